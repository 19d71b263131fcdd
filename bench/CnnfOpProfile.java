import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.pnnlab.layers.feedback.FeedbackNetwork;
import org.pnnlab.layers.feedback.FeedbackNetworkLayer;

/**
 * Where the time of one CNN-F PGD-7 adversarial training step goes (the two heavy parts of the step: seven input
 * gradients of the first pass on the batch, then the training objective on the clean and adversarial batch), per
 * SameDiff op name, on random data. The parameter update (a few ms) is not included.
 *
 * <p>Usage (after ./pnn has built the jar): java -cp 'pnn-experiments/target/pnn-experiments.jar:pnn-experiments/target/lib/*'
 * bench/CnnfOpProfile.java [batch 128] [iterations 3] [ops: true|false]
 */
public final class CnnfOpProfile {
    /** Sums wall time per op name between the session's pre- and post-execution callbacks. */
    static final class OpTimes extends BaseListener {
        final Map<String, long[]> byOp = new HashMap<>();
        private long start;

        @Override
        public boolean isActive(Operation operation) {
            return true;
        }

        @Override
        public void preOpExecution(SameDiff sd, At at, SameDiffOp op, OpContext ctx) {
            start = System.nanoTime();
        }

        @Override
        public void opExecution(SameDiff sd, At at, MultiDataSet batch, SameDiffOp op, OpContext ctx, INDArray[] out) {
            long[] v = byOp.computeIfAbsent(op.getOp().opName(), k -> new long[2]);
            v[0] += System.nanoTime() - start;
            v[1]++;
        }
    }

    public static void main(String[] args) {
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 128;
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        boolean ops = args.length <= 2 || Boolean.parseBoolean(args[2]);
        Map<String, String> options = new TreeMap<>(Map.of("ind", "2", "cycles", "1", "res", "0.1"));
        FeedbackNetwork conf = FeedbackNetwork.of("cnnf", "cnnf-fmnist", options, 1, 28, 28, 10, "average", 1);
        var g = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).updater(new NoOp()).graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(28, 28, 1)).addLayer("cnnf", conf, "in")
                .setOutputs("cnnf").build();
        ComputationGraph net = new ComputationGraph(g);
        net.init();
        net.initGradientsView();
        FeedbackNetworkLayer layer = (FeedbackNetworkLayer) net.getLayer("cnnf");
        Nd4j.getRandom().setSeed(7);
        INDArray x = Nd4j.rand(DataType.FLOAT, batch, 1, 28, 28).subi(0.5).muli(2);
        INDArray y = Nd4j.zeros(DataType.FLOAT, batch, 10);
        for (int i = 0; i < batch; i++) y.putScalar(i, i % 10, 1f);
        var w = new FeedbackNetworkLayer.ObjectiveWeights(0.1, 0.1, true);
        OpTimes times = new OpTimes();
        List<double[]> phases = new ArrayList<>();
        for (int it = -2; it < iterations; it++) {
            if (it == 0 && ops) layer.setGraphListeners(List.of(times));
            long t0 = System.nanoTime();
            INDArray adv = x.dup();
            for (int s = 0; s < 7; s++) {
                INDArray grad = layer.inputGradient(FeedbackNetworkLayer.Output.FIRST, adv, y).inputGradient();
                adv.addi(Nd4j.math().sign(grad).muli(0.0355));
                adv = Nd4j.math().clipByValue(adv, -1, 1);
            }
            long t1 = System.nanoTime();
            layer.objective(x, adv, y, w);
            long t2 = System.nanoTime();
            if (it >= 0) phases.add(new double[] {(t1 - t0) / 1e6, (t2 - t1) / 1e6});
        }
        for (double[] p : phases) {
            System.out.printf(Locale.ROOT, "step %.1f ms: PGD-7 input gradients %.1f ms, objective %.1f ms%n",
                    p[0] + p[1], p[0], p[1]);
        }
        try {
            java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("VmHWM")).forEach(l -> System.out.println("peak resident " + l.substring(6).trim()));
        } catch (java.io.IOException e) {
            System.out.println("peak resident size unknown: " + e.getMessage());
        }
        if (!ops) return;
        long total = times.byOp.values().stream().mapToLong(v -> v[0]).sum();
        System.out.printf(Locale.ROOT, "%-28s %10s %8s %6s%n", "op", "ms/step", "calls", "share");
        times.byOp.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0])).forEach(e ->
                System.out.printf(Locale.ROOT, "%-28s %10.1f %8d %5.1f%%%n", e.getKey(), e.getValue()[0] / 1e6 / iterations,
                        e.getValue()[1] / iterations, 100.0 * e.getValue()[0] / total));
        System.out.printf(Locale.ROOT, "%-28s %10.1f%n", "total (ops)", total / 1e6 / iterations);
    }
}
