package org.pnnlab.experiments.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code pnn bench} names the trainable parameter count of the network it timed (bench/compare-all.sh compares it
 * with the PyTorch network's), and that count is the one {@code pnn model} prints for the same network.
 */
class BenchCliTest {
    @Test
    void benchPrintsTheTrainableCountOfTheNetworkItTimed() {
        CliTest.Result bench = CliTest.cli("bench", "fmnist-convnorm", "--layer", "convnorm", "--input", "3x32x32",
                "--batch-size", "2", "--warmup", "0", "--iterations", "1");
        assertEquals(0, bench.code(), bench.err());
        Matcher m = Pattern.compile("([0-9]+) trainable parameters\\): median [0-9.]+ ms/iteration").matcher(bench.out());
        assertTrue(m.find(), bench.out());
        CliTest.Result model = CliTest.cli("model", "simple_cnn", "--input", "3x32x32", "--layer", "convnorm");
        assertEquals(0, model.code(), model.err());
        String total = model.out().lines().filter(l -> l.startsWith("total")).findFirst().orElseThrow();
        assertEquals(Long.parseLong(total.trim().split("\\s+")[1].replace(",", "")), Long.parseLong(m.group(1)), total);
        assertEquals(24_546, Long.parseLong(m.group(1)), "ConvNorm's simple CNN on 3x32x32 (spec CONVNORM 2.3)");
    }
}
