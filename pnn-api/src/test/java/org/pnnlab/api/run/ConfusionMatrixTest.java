package org.pnnlab.api.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConfusionMatrixTest {
    @Test
    void countsByTrueAndPredictedClassAndRoundTripsAsRows() throws Exception {
        ConfusionMatrix m = new ConfusionMatrix(List.of(List.of(1L, 1L, 0L), List.of(0L, 1L, 0L), List.of(1L, 0L, 2L)));
        assertEquals(List.of(List.of(1L, 1L, 0L), List.of(0L, 1L, 0L), List.of(1L, 0L, 2L)), m.counts());
        assertArrayEquals(new double[] {0.5, 1.0, 2.0 / 3}, m.perClassAccuracy(), 1e-15);
        assertEquals(List.of(List.of(2L, 2L, 0L), List.of(0L, 2L, 0L), List.of(2L, 0L, 4L)), m.plus(m).counts());
        String json = RunStore.mapper().writeValueAsString(m);
        assertEquals("[ [ 1, 1, 0 ], [ 0, 1, 0 ], [ 1, 0, 2 ] ]", json.replaceAll("\\s+", " "));
        assertEquals(m, RunStore.mapper().readValue(json, ConfusionMatrix.class));
        assertTrue(Double.isNaN(ConfusionMatrix.empty(2).perClassAccuracy()[0]));
    }
}
