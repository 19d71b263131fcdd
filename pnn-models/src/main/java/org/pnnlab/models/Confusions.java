package org.pnnlab.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.shape.OneHot;
import org.nd4j.linalg.factory.Nd4j;
import org.pnnlab.api.run.ConfusionMatrix;

/** Confusion matrices of predictions, counted with one product of one-hot matrices. */
public final class Confusions {
    private Confusions() {
    }

    /** The confusion of predictions {@code pred} against labels {@code truth} (class indices, any integer type). */
    public static ConfusionMatrix of(INDArray truth, INDArray pred, int classes) {
        long[][] m = oneHot(truth, classes).transpose().mmul(oneHot(pred, classes)).toLongMatrix();
        List<List<Long>> rows = new ArrayList<>();
        for (long[] row : m) rows.add(Arrays.stream(row).boxed().toList());
        return new ConfusionMatrix(rows);
    }

    private static INDArray oneHot(INDArray indices, int classes) {
        INDArray idx = indices.reshape(indices.length()).castTo(DataType.INT64);
        return Nd4j.exec(new OneHot(idx, null, classes, -1, 1.0, 0.0))[0].castTo(DataType.DOUBLE);
    }
}
