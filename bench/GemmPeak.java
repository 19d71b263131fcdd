import java.util.Arrays;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * float32 GEMM peak of ND4J's BLAS on this machine: C = A·B with square n×n matrices into a preallocated C,
 * fastest of the timed repetitions (the peak; the machine may be shared), printed as one JSON line. Run from the repository root with the fat jar:
 * {@code java -cp pnn-experiments/target/pnn-experiments.jar bench/GemmPeak.java [n] [reps]}.
 */
public final class GemmPeak {
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Nd4j.getRandom().setSeed(1);
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray c = Nd4j.create(DataType.FLOAT, new long[]{n, n}, 'f');
        for (int i = 0; i < 5; i++) Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
        double[] s = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
            s[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(s);
        System.out.printf(Locale.ROOT, "{\"impl\": \"pnn\", \"n\": %d, \"gflops\": %.1f}%n", n, 2.0 * n * n * n / s[0] / 1e9);
    }
}
