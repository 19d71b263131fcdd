/**
 * Adversarial evaluation: an open set of attacks ({@link org.pnnlab.experiments.attack.AttackPlugin}, found by
 * {@link org.pnnlab.experiments.attack.AttackRegistry}; built in: FGSM, PGD, SPSA, transfer, uniform noise) against
 * anything that offers logits and an input gradient ({@link org.pnnlab.experiments.attack.AttackTarget}), the threat
 * model they run under, and an evaluator that turns them into accuracies over a test set. The attack semantics follow advertorch 0.2.3 as
 * used by the CNN-F reference (spec CNNF.md §6–§7).
 */
@NullMarked
package org.pnnlab.experiments.attack;

import org.jspecify.annotations.NullMarked;
