package org.pnnlab.experiments.train;

import jakarta.inject.Inject;
import java.util.Map;
import java.util.TreeMap;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.pnnlab.api.LayerRegistry;
import org.pnnlab.api.run.ModelConfig;
import org.pnnlab.api.run.OptimConfig;
import org.pnnlab.api.run.RunConfig;
import org.pnnlab.layers.dl4j.HeavyBallSgd;
import org.pnnlab.layers.dl4j.IterationDecay;
import org.pnnlab.models.ModelRegistry;
import org.pnnlab.models.ModelSpec;

/** Builds a run's network (float32) with its optimiser, weight decay and learning-rate schedule. */
public final class NetworkBuilder {
    private final LayerRegistry layers;
    private final ModelRegistry models;

    @Inject
    public NetworkBuilder(LayerRegistry layers, ModelRegistry models) {
        this.layers = layers;
        this.models = models;
    }

    /**
     * The initialised network of {@code config} for images of {@code shape} (C, H, W) and {@code classes} classes;
     * {@code iterationsPerEpoch} sizes the per-iteration schedules.
     */
    public ComputationGraph build(RunConfig config, int[] shape, int classes, long iterationsPerEpoch) {
        ModelConfig m = config.model();
        ModelSpec ms = new ModelSpec(m.name(), shape[0], shape[1], shape[2], classes, m.firstSlot().id(),
                m.firstSlot().params(), m.otherSlots().id(), m.otherSlots().params(), m.options(), config.seed());
        OptimConfig o = config.optim();
        NeuralNetConfiguration.Builder base = new NeuralNetConfiguration.Builder().seed(config.seed())
                .dataType(DataType.FLOAT).updater(updater(o, Math.max(1, iterationsPerEpoch * o.epochs())));
        if (o.weightDecay() > 0) base.l2(o.weightDecay()).l2Bias(o.weightDecay());
        Nd4j.getRandom().setSeed(config.seed());
        ComputationGraph net = new ComputationGraph(models.get(m.name()).build(ms, layers, base));
        net.init();
        return net;
    }

    private static IUpdater updater(OptimConfig o, long totalIterations) {
        double lr = o.learningRate();
        ISchedule schedule = switch (o.schedule()) {
            case CONSTANT -> null;
            case POLY -> IterationDecay.poly(lr, o.power(), totalIterations);
            case COS -> IterationDecay.cos(lr, totalIterations);
            case STEP -> {
                // DL4J counts epochs from 0; the rate of epoch t (from 1) is set at its start
                Map<Integer, Double> values = new TreeMap<>();
                double last = Double.NaN;
                for (int e = 0; e < o.epochs(); e++) {
                    double v = o.learningRateAt(e + 1);
                    if (v != last) values.put(e, v);
                    last = v;
                }
                yield new MapSchedule(ScheduleType.EPOCH, values);
            }
        };
        return switch (o.optimizer()) {
            case ADAM -> schedule != null ? new Adam(schedule) : new Adam(lr);
            case SGD -> schedule != null ? new Nesterovs(schedule, o.momentum()) : new Nesterovs(lr, o.momentum());
            case MOMENTUM -> schedule != null ? HeavyBallSgd.of(schedule, o.momentum()) : HeavyBallSgd.of(lr, o.momentum());
        };
    }
}
