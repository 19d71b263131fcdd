import java.util.Arrays;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * float32 GEMM rate of ND4J's BLAS (the OpenBLAS it ships) on this machine: C = A·B with square n×n matrices
 * into a preallocated C, {@code Nd4j.gemm}. For every size the fastest of {@code reps} timed products after one
 * untimed one (the machine may be shared, so the fastest is the one least disturbed; at least two, fewer than
 * {@code reps} once a size has taken 6 s); one JSON line per size,
 * then one with the best over the sizes. (libnd4j's matmul op was measured too: no faster, it calls the same
 * BLAS.) Run from the repository root with the fat jar:
 * {@code java -cp pnn-experiments/target/pnn-experiments.jar bench/GemmPeak.java [reps] [n ...]}
 * (defaults: 5 repetitions, size 2048).
 */
public final class GemmPeak {
    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int[] sizes = args.length > 1 ? Arrays.stream(args, 1, args.length).mapToInt(Integer::parseInt).toArray()
                : new int[]{2048};
        double best = 0;
        Nd4j.getRandom().setSeed(1);
        for (int n : sizes) {
            INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
            INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
            INDArray c = Nd4j.create(DataType.FLOAT, new long[]{n, n}, 'f');
            double flop = 2.0 * n * n * n;
            double rate = flop / fastest(() -> Nd4j.gemm(a, b, c, false, false, 1.0, 0.0), reps) / 1e9;
            System.out.printf(Locale.ROOT, "{\"impl\": \"pnn\", \"n\": %d, \"gflops\": %.1f}%n", n, rate);
            best = Math.max(best, rate);
        }
        System.out.printf(Locale.ROOT, "{\"impl\": \"pnn\", \"n\": \"best\", \"gflops\": %.1f}%n", best);
    }

    private static double fastest(Runnable product, int reps) {
        product.run();
        double s = Double.MAX_VALUE;
        long start = System.nanoTime();
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            product.run();
            s = Math.min(s, (System.nanoTime() - t0) / 1e9);
            if (i >= 1 && System.nanoTime() - start > 6_000_000_000L) break;   // a slow BLAS: two are enough
        }
        return s;
    }
}
