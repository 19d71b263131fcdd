package org.pnnlab.experiments.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code bench-layer --shape N,C,H,W}: the commas belong to one shape, and the option repeats. */
class BenchLayerCliTest {
    @Test
    void commaSeparatedShapesStayWholeAndRepeat() {
        CliTest.Result r = CliTest.cli("bench-layer", "--layer", "conv", "--shape", "2,3,6,6", "--shape", "2,4,5,5",
                "--warmup", "0", "--iterations", "1");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().filter(l -> l.startsWith("{")).toList();
        assertEquals(2, lines.size(), r.out());
        assertTrue(lines.get(0).contains("\"shape\": [2, 3, 6, 6]"), lines.get(0));
        assertTrue(lines.get(1).contains("\"shape\": [2, 4, 5, 5]"), lines.get(1));
    }

    @Test
    void aShapeWithoutFourSizesIsAUserError() {
        CliTest.assertUserError(CliTest.cli("bench-layer", "--layer", "conv", "--shape", "2,3,6", "--warmup", "0",
                "--iterations", "1"), "--shape", "N,C,H,W");
    }
}
