package org.pnnlab.layers.dl4j;

import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Stochastic gradient descent with classical ("heavy ball") momentum, as PyTorch's {@code SGD(momentum=μ)} with
 * no dampening and no Nesterov term: {@code v ← μ·v + g; Δ = lr·v} (the first step has {@code v = g}, since
 * {@code v} starts at zero). DL4J's own {@code Nesterovs} implements the look-ahead variant, which follows a
 * different trajectory. The learning rate may follow a schedule; weight decay comes from the layer's L2
 * regularisation, which DL4J adds to the gradient before the updater, as PyTorch does.
 */
public final class HeavyBallSgd implements IUpdater {
    public static final String V_STATE = "V";

    private double learningRate;
    private @Nullable ISchedule learningRateSchedule;
    private double momentum;

    @JsonCreator
    public HeavyBallSgd(@JsonProperty("learningRate") double learningRate,
                        @JsonProperty("learningRateSchedule") @Nullable ISchedule learningRateSchedule,
                        @JsonProperty("momentum") double momentum) {
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        this.learningRate = learningRate;
        this.learningRateSchedule = learningRateSchedule;
        this.momentum = momentum;
    }

    public static HeavyBallSgd of(double learningRate, double momentum) {
        return new HeavyBallSgd(learningRate, null, momentum);
    }

    public static HeavyBallSgd of(ISchedule learningRate, double momentum) {
        return new HeavyBallSgd(learningRate.valueAt(0, 0), learningRate, momentum);
    }

    public double getLearningRate() {
        return learningRate;
    }

    public @Nullable ISchedule getLearningRateSchedule() {
        return learningRateSchedule;
    }

    public double getMomentum() {
        return momentum;
    }

    @Override
    public long stateSize(long numParams) {
        return momentum == 0 ? 0 : numParams;
    }

    @Override
    public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
        Updater u = new Updater(this);
        u.setStateViewArray(viewArray, viewArray == null ? new long[0] : viewArray.shape(), 'c', initializeViewArray);
        return u;
    }

    @Override
    public GradientUpdater instantiate(Map<String, INDArray> state, boolean initializeStateArrays) {
        Updater u = new Updater(this);
        u.setState(state, initializeStateArrays);
        return u;
    }

    @Override
    public HeavyBallSgd clone() {
        return new HeavyBallSgd(learningRate, learningRateSchedule == null ? null : learningRateSchedule.clone(), momentum);
    }

    @Override
    public double getLearningRate(int iteration, int epoch) {
        return learningRateSchedule != null ? learningRateSchedule.valueAt(iteration, epoch) : learningRate;
    }

    @Override
    public boolean hasLearningRate() {
        return true;
    }

    @Override
    public void setLrAndSchedule(double lr, ISchedule lrSchedule) {
        this.learningRate = lr;
        this.learningRateSchedule = lrSchedule;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof HeavyBallSgd h && h.learningRate == learningRate && h.momentum == momentum
                && Objects.equals(h.learningRateSchedule, learningRateSchedule);
    }

    @Override
    public int hashCode() {
        return Objects.hash(learningRate, momentum, learningRateSchedule);
    }

    @Override
    public String toString() {
        return "HeavyBallSgd(lr=" + (learningRateSchedule != null ? learningRateSchedule : learningRate)
                + ", momentum=" + momentum + ")";
    }

    /** The per-block state: the velocity {@code v}, a view of DL4J's updater state array. */
    private static final class Updater implements GradientUpdater<HeavyBallSgd> {
        private final HeavyBallSgd config;
        private @Nullable INDArray v;

        Updater(HeavyBallSgd config) {
            this.config = config;
        }

        @Override
        public HeavyBallSgd getConfig() {
            return config;
        }

        @Override
        public void setState(Map<String, INDArray> state, boolean initialize) {
            if (config.momentum == 0) return;
            INDArray s = state.get(V_STATE);
            if (s == null) throw new IllegalStateException("heavy-ball SGD state has no '" + V_STATE + "' array");
            v = s;
            if (initialize) v.assign(0);
        }

        @Override
        public Map<String, INDArray> getState() {
            return v == null ? Map.of() : Map.of(V_STATE, v);
        }

        @Override
        public void setStateViewArray(INDArray viewArray, long[] gradientShape, char gradientOrder, boolean initialize) {
            if (config.momentum == 0) return;
            if (viewArray == null || viewArray.length() == 0) {
                throw new IllegalStateException("heavy-ball SGD with momentum needs a state array");
            }
            v = viewArray.reshape(gradientOrder, gradientShape);
            if (initialize) v.assign(0);
        }

        @Override
        public void applyUpdater(INDArray gradient, int iteration, int epoch) {
            double lr = config.getLearningRate(iteration, epoch);
            if (v == null) {
                gradient.muli(lr);
                return;
            }
            v.muli(config.momentum).addi(gradient);
            gradient.assign(v).muli(lr);
        }
    }
}
