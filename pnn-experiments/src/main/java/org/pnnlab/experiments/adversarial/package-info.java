/** Adversarially trained experiments: CNN-F and its feed-forward counterpart (spec CNNF 5, 7). */
@NullMarked
package org.pnnlab.experiments.adversarial;

import org.jspecify.annotations.NullMarked;
