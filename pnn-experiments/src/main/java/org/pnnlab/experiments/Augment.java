package org.pnnlab.experiments;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Training-time augmentation of a normalised batch {@code [B, C, H, W]}: a random crop of the image
 * zero-padded by {@code pad} pixels (padding happens in pixel space, so a padded value is
 * {@code -mean/std} of its channel after normalisation), then a horizontal flip with probability 0.5.
 * Work is per image (a slice copy and an optional reverse op), never per pixel.
 */
public final class Augment {
    private Augment() {
    }

    public static INDArray cropFlip(INDArray x, double[] mean, double[] std, int pad, SplittableRandom rng) {
        long b = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        INDArray padded = Nd4j.createUninitialized(x.dataType(), b, c, h + 2L * pad, w + 2L * pad);
        for (int ch = 0; ch < c; ch++) {
            int k = mean.length == 1 ? 0 : ch;
            padded.get(NDArrayIndex.all(), NDArrayIndex.point(ch), NDArrayIndex.all(), NDArrayIndex.all())
                    .assign(-mean[k] / std[k]);
        }
        padded.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(pad, pad + h),
                NDArrayIndex.interval(pad, pad + w)).assign(x);
        INDArray out = Nd4j.createUninitialized(x.dataType(), b, c, h, w);
        for (int i = 0; i < b; i++) {
            int dy = rng.nextInt(2 * pad + 1);
            int dx = rng.nextInt(2 * pad + 1);
            INDArrayIndex[] src = {NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.interval(dy, dy + h),
                    NDArrayIndex.interval(dx, dx + w)};
            INDArray crop = padded.get(src);
            INDArray dst = out.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all());
            if (rng.nextBoolean()) {
                INDArray flipped = Nd4j.exec(DynamicCustomOp.builder("reverse").addInputs(crop.dup('c'))
                        .addIntegerArguments(2).build())[0];
                dst.assign(flipped);
            } else {
                dst.assign(crop);
            }
        }
        return out;
    }
}
