package org.pnnlab.experiments.attack;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An untargeted evasion attack: given clean inputs and their labels, returns adversarial inputs of the same shape
 * (new arrays; the inputs are not modified).
 */
public interface Attack {

    /** A short name: {@code clean}, {@code fgsm}, {@code pgd}, {@code spsa}, {@code transfer}. */
    String name();

    /**
     * Adversarial versions of {@code x} against {@code target}.
     *
     * @param labelsOneHot {@code [N, classes]} one-hot true labels
     * @param seed fixes every random draw of the attack; the same seed and inputs give the same result
     */
    INDArray perturb(AttackTarget target, INDArray x, INDArray labelsOneHot, long seed);

    /** The attack's settings, suitable for a run record. */
    Map<String, Object> settings();

    /** The identity "attack", so clean accuracy goes through the same evaluator. */
    static Attack none() {
        return Clean.INSTANCE;
    }

    /** See {@link #none()}. */
    final class Clean implements Attack {
        static final Clean INSTANCE = new Clean();

        private Clean() {
        }

        @Override
        public String name() {
            return "clean";
        }

        @Override
        public INDArray perturb(AttackTarget target, INDArray x, INDArray labelsOneHot, long seed) {
            return x.dup();
        }

        @Override
        public Map<String, Object> settings() {
            return Map.of("attack", "clean");
        }
    }
}
