package org.pnnlab.api.run;

import static org.pnnlab.api.run.Checks.require;

import java.util.List;

/**
 * How a run optimises.
 *
 * @param optimizer the optimiser ({@code --optimizer})
 * @param learningRate the base learning rate ({@code --lr}), &gt; 0
 * @param momentum momentum of {@code sgd} and {@code momentum}, in [0, 1)
 * @param weightDecay L2 weight decay on every parameter, biases included, &ge; 0
 * @param schedule the learning-rate schedule
 * @param power exponent of the {@code poly} schedule, &gt; 0
 * @param decayEpochs 1-based epochs at whose start the {@code step} schedule multiplies the rate by
 *     {@code decayFactor}
 * @param decayFactor the {@code step} schedule's factor, in (0, 1]
 * @param gradClip the largest global L2 norm of the trainable parameters' mean gradient; 0: no clipping
 * @param batchSize images per training and test batch, &ge; 2 (batch norm needs two values per channel)
 * @param epochs passes over the training data, &ge; 1
 * @param dropLast drop the last, incomplete batch of each epoch
 */
public record OptimConfig(Optimizer optimizer, double learningRate, double momentum, double weightDecay,
                          Schedule schedule, double power, List<Integer> decayEpochs, double decayFactor,
                          double gradClip, int batchSize, int epochs, boolean dropLast) {
    /** Adam 1e-3, no weight decay, a constant rate, batch 64, 3 epochs. */
    public static final OptimConfig DEFAULTS = new OptimConfig(Optimizer.ADAM, 1e-3, 0.9, 0, Schedule.CONSTANT, 0.9,
            List.of(), 0.1, 0, 64, 3, false);

    public OptimConfig {
        Checks.nonNull(optimizer, "optim.optimizer");
        Checks.nonNull(schedule, "optim.schedule");
        decayEpochs = List.copyOf(decayEpochs == null ? List.of() : decayEpochs);
        require(learningRate > 0 && Checks.finite(learningRate), "optim.learningRate (--lr)", "a positive number",
                learningRate);
        require(momentum >= 0 && momentum < 1, "optim.momentum (--momentum)", "in [0, 1)", momentum);
        require(weightDecay >= 0 && Checks.finite(weightDecay), "optim.weightDecay (--weight-decay)", ">= 0",
                weightDecay);
        require(power > 0 && Checks.finite(power), "optim.power (--power)", "> 0", power);
        for (int e : decayEpochs) require(e >= 1, "optim.decayEpochs", "epochs counted from 1", e);
        require(decayFactor > 0 && decayFactor <= 1, "optim.decayFactor", "in (0, 1]", decayFactor);
        require(gradClip >= 0 && Checks.finite(gradClip), "optim.gradClip (--grad-clip)", ">= 0 (0: off)", gradClip);
        require(batchSize >= 2, "optim.batchSize (--batch-size)",
                "at least 2 (batch norm needs 2 values per channel)", batchSize);
        require(epochs >= 1, "optim.epochs (--epochs)", "at least 1", epochs);
        if (schedule == Schedule.STEP && decayEpochs.isEmpty()) {
            throw new org.pnnlab.api.PnnException("optim.schedule (--schedule) 'step' needs decay epochs "
                    + "(optim.decayEpochs), and this configuration has none; use constant, poly or cos");
        }
    }

    /** The learning rate of 1-based epoch {@code t} under the step rule (the base rate for other schedules). */
    public double learningRateAt(int t) {
        double lr = learningRate;
        if (schedule == Schedule.STEP) {
            for (int e : decayEpochs) if (t >= e) lr *= decayFactor;
        }
        return lr;
    }

    public OptimConfig withOptimizer(Optimizer o) {
        return new OptimConfig(o, learningRate, momentum, weightDecay, schedule, power, decayEpochs, decayFactor,
                gradClip, batchSize, epochs, dropLast);
    }

    public OptimConfig withLearningRate(double lr) {
        return new OptimConfig(optimizer, lr, momentum, weightDecay, schedule, power, decayEpochs, decayFactor,
                gradClip, batchSize, epochs, dropLast);
    }

    public OptimConfig withMomentum(double m) {
        return new OptimConfig(optimizer, learningRate, m, weightDecay, schedule, power, decayEpochs, decayFactor,
                gradClip, batchSize, epochs, dropLast);
    }

    public OptimConfig withWeightDecay(double wd) {
        return new OptimConfig(optimizer, learningRate, momentum, wd, schedule, power, decayEpochs, decayFactor,
                gradClip, batchSize, epochs, dropLast);
    }

    public OptimConfig withSchedule(Schedule s) {
        return new OptimConfig(optimizer, learningRate, momentum, weightDecay, s, power, decayEpochs, decayFactor,
                gradClip, batchSize, epochs, dropLast);
    }

    /** The poly schedule with exponent {@code p}. */
    public OptimConfig withPoly(double p) {
        return new OptimConfig(optimizer, learningRate, momentum, weightDecay, Schedule.POLY, p, decayEpochs,
                decayFactor, gradClip, batchSize, epochs, dropLast);
    }

    public OptimConfig withPower(double p) {
        return new OptimConfig(optimizer, learningRate, momentum, weightDecay, schedule, p, decayEpochs, decayFactor,
                gradClip, batchSize, epochs, dropLast);
    }

    /** The step schedule: the rate times {@code factor} from each of {@code epochs} (1-based) on. */
    public OptimConfig withStepDecay(List<Integer> at, double factor) {
        return new OptimConfig(optimizer, learningRate, momentum, weightDecay, Schedule.STEP, power, at, factor,
                gradClip, batchSize, epochs, dropLast);
    }

    public OptimConfig withGradClip(double maxNorm) {
        return new OptimConfig(optimizer, learningRate, momentum, weightDecay, schedule, power, decayEpochs,
                decayFactor, maxNorm, batchSize, epochs, dropLast);
    }

    public OptimConfig withBatchSize(int b) {
        return new OptimConfig(optimizer, learningRate, momentum, weightDecay, schedule, power, decayEpochs,
                decayFactor, gradClip, b, epochs, dropLast);
    }

    public OptimConfig withEpochs(int n) {
        return new OptimConfig(optimizer, learningRate, momentum, weightDecay, schedule, power, decayEpochs,
                decayFactor, gradClip, batchSize, n, dropLast);
    }

    public OptimConfig withDropLast(boolean drop) {
        return new OptimConfig(optimizer, learningRate, momentum, weightDecay, schedule, power, decayEpochs,
                decayFactor, gradClip, batchSize, epochs, drop);
    }
}
