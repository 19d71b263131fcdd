package org.pnnlab.experiments.attack;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastDivOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastSubOp;
import org.nd4j.linalg.factory.Nd4j;
import org.pnnlab.api.data.Normalization;

/**
 * A model that takes normalised inputs {@code (p − mean_c)/std_c}, seen as a target whose inputs are pixels
 * {@code p} (usually in [0, 1]). Attacks on it run in pixel space, as ConvNorm's evaluation does (spec
 * CONVNORM.md §4): state the threat model in pixel units (e.g. eps 8/255, range [0, 1]). Needed whenever the
 * channels have different statistics, since a pixel budget then has no single value in normalised units.
 *
 * <p>Inputs are {@code [N, C, ...]} with the channel on axis 1. {@link #toPixels} and {@link #toModel} convert
 * batches between the two units.
 */
public final class PixelSpaceTarget implements AttackTarget {
    private final AttackTarget model;
    private final double[] mean;
    private final double[] std;

    /**
     * @param model the model, taking normalised inputs
     * @param mean the per-channel mean used to normalise the model's data
     * @param std the per-channel standard deviation used to normalise the model's data
     */
    public PixelSpaceTarget(AttackTarget model, double[] mean, double[] std) {
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("mean and std need one value per channel, got " + mean.length
                    + " and " + std.length);
        }
        for (int c = 0; c < std.length; c++) {
            if (!(std[c] > 0) || !Double.isFinite(std[c]) || !Double.isFinite(mean[c])) {
                throw new IllegalArgumentException("channel " + c + ": need a finite mean and a finite std > 0, got "
                        + mean[c] + ", " + std[c]);
            }
        }
        this.model = model;
        this.mean = mean.clone();
        this.std = std.clone();
    }

    public PixelSpaceTarget(AttackTarget model, Normalization norm) {
        this(model, norm.mean(), norm.std());
    }

    /** Normalised model input from pixels: {@code (p − mean)/std} per channel. */
    public INDArray toModel(INDArray pixels) {
        INDArray out = pixels.dup('c');
        Nd4j.getExecutioner().exec(new BroadcastSubOp(out, vector(mean, pixels), out, 1));
        Nd4j.getExecutioner().exec(new BroadcastDivOp(out, vector(std, pixels), out, 1));
        return out;
    }

    /** Pixels from normalised model input: {@code x·std + mean} per channel. */
    public INDArray toPixels(INDArray normalised) {
        INDArray out = normalised.dup('c');
        Nd4j.getExecutioner().exec(new BroadcastMulOp(out, vector(std, normalised), out, 1));
        Nd4j.getExecutioner().exec(new BroadcastAddOp(out, vector(mean, normalised), out, 1));
        return out;
    }

    @Override
    public INDArray logits(INDArray pixels) {
        return model.logits(toModel(pixels));
    }

    /** Chain rule: the model's input gradient divided by {@code std} per channel. */
    @Override
    public INDArray lossGradient(INDArray pixels, INDArray labelsOneHot) {
        INDArray g = model.lossGradient(toModel(pixels), labelsOneHot).dup('c');
        Nd4j.getExecutioner().exec(new BroadcastDivOp(g, vector(std, g), g, 1));
        return g;
    }

    /** The model's logits and its input gradient divided by {@code std} per channel. */
    @Override
    public LogitsAndGradient backprop(INDArray pixels, java.util.function.UnaryOperator<INDArray> logitsGradient) {
        LogitsAndGradient r = model.backprop(toModel(pixels), logitsGradient);
        INDArray g = r.inputGradient().dup('c');
        Nd4j.getExecutioner().exec(new BroadcastDivOp(g, vector(std, g), g, 1));
        return new LogitsAndGradient(r.logits(), g);
    }

    private INDArray vector(double[] values, INDArray like) {
        if (like.rank() < 2 || like.size(1) != values.length) {
            throw new IllegalArgumentException("expected inputs [N, " + values.length + ", ...] (channel on axis 1), got "
                    + Arrays.toString(like.shape()));
        }
        return Nd4j.createFromArray(values).castTo(like.dataType());
    }
}
