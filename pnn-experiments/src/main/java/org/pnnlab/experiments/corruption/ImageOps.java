package org.pnnlab.experiments.corruption;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Image filters on batches {@code [N, C, H, W]} as ND4J array operations: a separable linear map of rows and columns
 * is two matrix products (blurs, zooms, resizing and border padding are all such maps), and a 2-D kernel is a
 * convolution.
 */
final class ImageOps {
    private ImageOps() {
    }

    /** {@code out[n, c] = rows · x[n, c] · colsᵀ}: rows {@code [H', H]}, cols {@code [W', W]}; a new array. */
    static INDArray separable(INDArray x, INDArray rows, INDArray cols) {
        long n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        long h2 = rows.size(0), w2 = cols.size(0);
        INDArray byCols = x.dup('c').reshape('c', n * c * h, w).mmul(cols.castTo(x.dataType()).transpose()); // [NCH, W']
        INDArray t = byCols.reshape('c', n * c, h, w2).permute(0, 2, 1).dup('c').reshape('c', n * c * w2, h);
        INDArray byRows = t.mmul(rows.castTo(x.dataType()).transpose()); // [NC W', H']
        return byRows.reshape('c', n * c, w2, h2).permute(0, 2, 1).dup('c').reshape('c', n, c, h2, w2);
    }

    /** A square separable map applied to rows and columns alike (images with H = W or maps of each size). */
    static INDArray separable(INDArray x, java.util.function.IntFunction<INDArray> mapOfSize) {
        return separable(x, mapOfSize.apply((int) x.size(2)), mapOfSize.apply((int) x.size(3)));
    }

    /**
     * The {@code [n, n]} matrix of a 1-D convolution with {@code kernel} (odd length, centred) whose border repeats
     * the edge pixel (scikit-image's {@code mode='nearest'}).
     */
    static INDArray convolutionMatrix(double[] kernel, int n) {
        int r = kernel.length / 2;
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int k = -r; k <= r; k++) m[i][Math.min(n - 1, Math.max(0, i + k))] += kernel[k + r];
        }
        return Nd4j.createFromArray(m);
    }

    /** A normalised Gaussian kernel of standard deviation {@code sigma}, truncated at {@code truncate} sd. */
    static double[] gaussianKernel(double sigma, double truncate) {
        int r = Math.max(1, (int) Math.ceil(truncate * sigma));
        double[] k = new double[2 * r + 1];
        double sum = 0;
        for (int i = -r; i <= r; i++) sum += k[i + r] = Math.exp(-(i * (double) i) / (2 * sigma * sigma));
        for (int i = 0; i < k.length; i++) k[i] /= sum;
        return k;
    }

    /**
     * The {@code [n, n]} bilinear map that zooms a line of {@code n} pixels by {@code factor} about its centre
     * (output pixel i samples the input at {@code c + (i − c)/factor}, {@code c = (n − 1)/2}), edges repeated.
     */
    static INDArray zoomMatrix(double factor, int n) {
        double c = (n - 1) / 2.0;
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) {
            double p = Math.min(n - 1, Math.max(0, c + (i - c) / factor));
            int lo = (int) Math.floor(p);
            int hi = Math.min(n - 1, lo + 1);
            double f = p - lo;
            m[i][lo] += 1 - f;
            m[i][hi] += f;
        }
        return Nd4j.createFromArray(m);
    }

    /**
     * The {@code [out, in]} area-averaging resize (PIL's box filter): output pixel i averages the input over the
     * interval {@code [i·in/out, (i+1)·in/out)}, each input pixel weighted by its overlap.
     */
    static INDArray boxResizeMatrix(int in, int out) {
        double scale = (double) in / out;
        double[][] m = new double[out][in];
        for (int i = 0; i < out; i++) {
            double a = i * scale, b = (i + 1) * scale;
            for (int j = (int) Math.floor(a); j < Math.min(in, (int) Math.ceil(b)); j++) {
                m[i][j] = (Math.min(b, j + 1) - Math.max(a, j)) / scale;
            }
        }
        return Nd4j.createFromArray(m);
    }

    /** The {@code [n + 2r, n]} map that pads a line by {@code r} pixels, reflecting without repeating the edge. */
    static INDArray reflectPadMatrix(int n, int r) {
        double[][] m = new double[n + 2 * r][n];
        for (int i = 0; i < n + 2 * r; i++) {
            int j = i - r;
            if (n > 1) {
                int period = 2 * (n - 1);
                j = Math.floorMod(j, period);
                if (j >= n) j = period - j;
            } else {
                j = 0;
            }
            m[i][j] = 1;
        }
        return Nd4j.createFromArray(m);
    }

    /** Every channel convolved with one 2-D {@code kernel} (odd sides), borders reflected; the shape of {@code x}. */
    static INDArray convolve(INDArray x, double[][] kernel) {
        int kh = kernel.length, kw = kernel[0].length;
        long n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        INDArray padded = separable(x, reflectPadMatrix((int) h, kh / 2), reflectPadMatrix((int) w, kw / 2));
        INDArray flat = padded.reshape('c', n * c, 1, h + 2L * (kh / 2), w + 2L * (kw / 2));
        // cross-correlation in ND4J: flip the kernel for a convolution (kernels here are symmetric anyway)
        double[][] flipped = new double[kh][kw];
        for (int i = 0; i < kh; i++) for (int j = 0; j < kw; j++) flipped[i][j] = kernel[kh - 1 - i][kw - 1 - j];
        INDArray weights = Nd4j.createFromArray(flipped).castTo(x.dataType()).reshape(kh, kw, 1, 1);
        Conv2DConfig conf = Conv2DConfig.builder().kH(kh).kW(kw).sH(1).sW(1).pH(0).pW(0).dH(1).dW(1)
                .dataFormat(Conv2DConfig.NCHW).build();
        INDArray out = Nd4j.cnn().conv2d(flat, weights, conf);
        return out.reshape('c', n, c, h, w);
    }

    /** {@code x} clipped to [0, 1] in place. */
    static INDArray clip01(INDArray x) {
        org.nd4j.linalg.ops.transforms.Transforms.max(x, 0.0, false);
        return org.nd4j.linalg.ops.transforms.Transforms.min(x, 1.0, false);
    }

    static void requireImages(INDArray x) {
        if (x.rank() != 4 || !x.dataType().isFPType()) {
            throw new IllegalArgumentException("corruptions take floating-point images [N, C, H, W] in [0, 1], got "
                    + x.dataType() + " " + Arrays.toString(x.shape()));
        }
    }

    /** A 0/1 array of the type of {@code like}: where {@code mask} (a boolean array) holds. */
    static INDArray asNumbers(INDArray mask, DataType type) {
        return mask.castTo(type);
    }
}
