package org.pnnlab.datasets;

import org.pnnlab.api.data.Normalization;

import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.shape.OneHot;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A set of labelled images as loaded from disk, kept as compact bytes until {@link #features} turns
 * them into an ND4J array.
 *
 * <p>{@code pixels} holds the images one after another, each as unsigned bytes (0..255) in
 * channel, row, column order ({@code C*H*W}, row-major, one plane per channel), which is also the
 * order of the columns of {@link #features}. The arrays are not copied (they can be tens of
 * megabytes): treat them as read-only.
 *
 * @param name       for messages and reports, e.g. {@code mnist/train}
 * @param count      number of images
 * @param pixels     {@code count * channels * height * width} unsigned bytes
 * @param labels     {@code count} class indices, each in {@code 0..numClasses-1}
 * @param numClasses number of classes
 */
public record LabeledImages(String name, int count, int channels, int height, int width, byte[] pixels, int[] labels,
                            int numClasses) {

    public LabeledImages {
        if (count < 0 || channels < 1 || height < 1 || width < 1 || numClasses < 1) {
            throw new IllegalArgumentException(name + ": need count >= 0 and channels, height, width, numClasses >= 1, got count "
                    + count + ", " + channels + "x" + height + "x" + width + ", " + numClasses + " classes");
        }
        long expectedPixels = (long) count * channels * height * width;
        if (pixels.length != expectedPixels) {
            throw new IllegalArgumentException(name + ": " + count + " images of " + channels + "x" + height + "x" + width
                    + " need " + expectedPixels + " pixel bytes, got " + pixels.length);
        }
        if (labels.length != count) {
            throw new IllegalArgumentException(name + ": " + count + " images need " + count + " labels, got " + labels.length);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException(name + ": label " + labels[i] + " at index " + i + " is not in 0.."
                        + (numClasses - 1));
            }
        }
    }

    /** Values per image: {@code channels * height * width}. */
    public int featureSize() {
        return channels * height * width;
    }

    /** The unsigned value (0..255) of one pixel. */
    public int pixel(int image, int channel, int row, int column) {
        return pixels[image * featureSize() + (channel * height + row) * width + column] & 0xFF;
    }

    /** How many images each class has, indexed by class. */
    public int[] labelCounts() {
        int[] counts = new int[numClasses];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }

    /**
     * The images as a FLOAT array {@code [count, C*H*W]} with {@code (pixel / 255 - mean[c]) / std[c]}.
     * Each call creates a new array.
     */
    public INDArray features(double[] mean, double[] std) {
        if (mean.length != channels || std.length != channels) {
            throw new IllegalArgumentException(name + " has " + channels + " channel(s), but got " + mean.length
                    + " mean(s) and " + std.length + " std(s)");
        }
        return features(new Normalization(mean, std));
    }

    /** {@link #features(double[], double[])} with the given normalisation. */
    public INDArray features(Normalization normalization) {
        if (normalization.channels() != channels) {
            throw new IllegalArgumentException(name + " has " + channels + " channel(s), but the normalisation has "
                    + normalization.channels());
        }
        int size = featureSize();
        if (count == 0) {
            return Nd4j.create(DataType.FLOAT, 0, size);
        }
        // INT8 holds the bytes as -128..127; (x + 256) mod 256 gives back the unsigned value 0..255
        INDArray values = Nd4j.createFromArray(pixels).castTo(DataType.FLOAT);
        values.addi(256f).fmodi(256f);
        INDArray out = values.reshape('c', count, size);
        INDArray planes = out.reshape('c', count, channels, (long) height * width);
        double[] mean = normalization.mean();
        double[] std = normalization.std();
        for (int c = 0; c < channels; c++) {
            // (p / 255 - m) / s  ==  p * (1 / (255 s)) - m / s
            planes.get(NDArrayIndex.all(), NDArrayIndex.point(c), NDArrayIndex.all())
                    .muli(1.0 / (255.0 * std[c]))
                    .subi(mean[c] / std[c]);
        }
        return out;
    }

    /** The labels one-hot encoded, a FLOAT array {@code [count, numClasses]}. */
    public INDArray labelsOneHot() {
        if (count == 0) {
            return Nd4j.create(DataType.FLOAT, 0, numClasses);
        }
        INDArray indices = Nd4j.createFromArray(labels);
        INDArray out = Nd4j.create(DataType.FLOAT, count, numClasses);
        Nd4j.exec(new OneHot(indices, out, numClasses));
        return out;
    }

    /** The images at {@code indices}, in that order (an index may repeat). */
    public LabeledImages subset(int[] indices) {
        int size = featureSize();
        byte[] newPixels = new byte[Math.multiplyExact(indices.length, size)];
        int[] newLabels = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            int index = indices[i];
            if (index < 0 || index >= count) {
                throw new IndexOutOfBoundsException(name + ": index " + index + " is not in 0.." + (count - 1));
            }
            System.arraycopy(pixels, index * size, newPixels, i * size, size);
            newLabels[i] = labels[index];
        }
        return new LabeledImages(name, indices.length, channels, height, width, newPixels, newLabels, numClasses);
    }

    /** The first {@code min(n, count)} images. */
    public LabeledImages head(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("head(n) needs n >= 0, got " + n);
        }
        int keep = Math.min(n, count);
        if (keep == count) {
            return this;
        }
        return new LabeledImages(name, keep, channels, height, width, Arrays.copyOf(pixels, keep * featureSize()),
                Arrays.copyOf(labels, keep), numClasses);
    }

    /** The same images under another name (the arrays are shared, not copied). */
    public LabeledImages withName(String newName) {
        return new LabeledImages(newName, count, channels, height, width, pixels, labels, numClasses);
    }

    /** The parts one after another; they must agree on image shape and number of classes. */
    public static LabeledImages concat(String name, List<LabeledImages> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("concat needs at least one part");
        }
        LabeledImages first = parts.get(0);
        long total = 0;
        for (LabeledImages p : parts) {
            if (p.channels != first.channels || p.height != first.height || p.width != first.width
                    || p.numClasses != first.numClasses) {
                throw new IllegalArgumentException("cannot concatenate " + p.name + " (" + p.shape() + ") with "
                        + first.name + " (" + first.shape() + ")");
            }
            total += p.count;
        }
        int count = Math.toIntExact(total);
        byte[] pixels = new byte[Math.multiplyExact(count, first.featureSize())];
        int[] labels = new int[count];
        int at = 0;
        for (LabeledImages p : parts) {
            System.arraycopy(p.pixels, 0, pixels, at * first.featureSize(), p.pixels.length);
            System.arraycopy(p.labels, 0, labels, at, p.count);
            at += p.count;
        }
        return new LabeledImages(name, count, first.channels, first.height, first.width, pixels, labels, first.numClasses);
    }

    /** {@code CxHxW, N classes}. */
    public String shape() {
        return channels + "x" + height + "x" + width + ", " + numClasses + " classes";
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof LabeledImages l && name.equals(l.name) && count == l.count && channels == l.channels
                && height == l.height && width == l.width && numClasses == l.numClasses
                && Arrays.equals(labels, l.labels) && Arrays.equals(pixels, l.pixels);
    }

    @Override
    public int hashCode() {
        return ((name.hashCode() * 31 + count) * 31 + Arrays.hashCode(labels)) * 31 + Arrays.hashCode(pixels);
    }

    @Override
    public String toString() {
        return "LabeledImages[" + name + ": " + count + " images of " + shape() + "]";
    }
}
