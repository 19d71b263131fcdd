package org.pnnlab.models;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class ConfusionsTest {
    @Test
    void countsByTrueAndPredictedClass() {
        var truth = Nd4j.createFromArray(0L, 0L, 1L, 2L, 2L, 2L);
        var pred = Nd4j.createFromArray(0, 1, 1, 2, 0, 2);
        assertEquals(List.of(List.of(1L, 1L, 0L), List.of(0L, 1L, 0L), List.of(1L, 0L, 2L)),
                Confusions.of(truth, pred, 3).counts());
    }
}
