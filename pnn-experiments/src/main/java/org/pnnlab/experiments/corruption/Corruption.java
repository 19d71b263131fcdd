package org.pnnlab.experiments.corruption;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.GaussianDistribution;
import org.nd4j.linalg.api.ops.random.impl.UniformDistribution;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The common corruptions of Hendrycks &amp; Dietterich (ICLR 2019) that need no external images or libraries, with
 * the severity constants the paper published for its 32×32 benchmark (CIFAR-10-C), which suit the 28×28 and 32×32
 * images used here. Each takes images {@code [N, C, H, W]} in [0, 1] and returns new corrupted images in [0, 1].
 *
 * <p>Left out: glass blur (a sequential pixel shuffle), motion blur and snow (ImageMagick's motion blur), frost
 * (photographs of frost), fog (a plasma fractal), spatter (OpenCV edge and distance transforms) and the elastic
 * transform (arbitrary resampling). Saturate needs colour and applies to 3-channel images only.
 */
public enum Corruption {
    /** additive Gaussian noise of standard deviation c */
    GAUSSIAN_NOISE(0.04, 0.06, 0.08, 0.09, 0.10) {
        @Override
        INDArray corrupt(INDArray x, double c, Random rng) {
            return ImageOps.clip01(x.add(normal(x, c, rng)));
        }
    },
    /**
     * photon noise: {@code Poisson(c·x)/c}, drawn as the rounded normal {@code N(c·x, c·x)} (ND4J has no seeded
     * Poisson generator; at these rates, c·x ≥ 1 wherever the pixel is visible, the two are close, and both are 0
     * at black pixels)
     */
    SHOT_NOISE(500, 250, 100, 75, 50) {
        @Override
        INDArray corrupt(INDArray x, double c, Random rng) {
            INDArray rate = x.mul(c);
            INDArray counts = Transforms.round(rate.add(Transforms.sqrt(rate, true).muli(normal(x, 1, rng))), false);
            return ImageOps.clip01(Transforms.max(counts, 0.0, false).divi(c));
        }
    },
    /** salt-and-pepper noise: a share c of the values set to 0 or 1 (half each) */
    IMPULSE_NOISE(0.01, 0.02, 0.03, 0.05, 0.07) {
        @Override
        INDArray corrupt(INDArray x, double c, Random rng) {
            INDArray u = uniform(x, rng);
            INDArray pepper = u.lt(c / 2).castTo(x.dataType());
            INDArray salt = u.gte(c / 2).castTo(x.dataType()).muli(u.lt(c).castTo(x.dataType()));
            INDArray keep = pepper.add(salt).rsubi(1);
            return x.mul(keep).addi(salt);
        }
    },
    /** multiplicative noise: {@code x + x·N(0, c²)} */
    SPECKLE_NOISE(0.06, 0.10, 0.12, 0.16, 0.20) {
        @Override
        INDArray corrupt(INDArray x, double c, Random rng) {
            return ImageOps.clip01(x.add(x.mul(normal(x, c, rng))));
        }
    },
    /** Gaussian blur of standard deviation c pixels, edges repeated */
    GAUSSIAN_BLUR(0.4, 0.6, 0.7, 0.8, 1.0) {
        @Override
        INDArray corrupt(INDArray x, double c, Random rng) {
            double[] k = ImageOps.gaussianKernel(c, 4);
            return ImageOps.clip01(ImageOps.separable(x, n -> ImageOps.convolutionMatrix(k, n)));
        }
    },
    /**
     * defocus: convolution with a disk of radius r smoothed by a 3×3 Gaussian of sd a (anti-aliasing), where
     * (r, a) = (0.3, 0.4), (0.4, 0.5), (0.5, 0.6), (1, 0.2), (1.5, 0.1); the constant is the severity's index
     */
    DEFOCUS_BLUR(0, 1, 2, 3, 4) {
        private static final double[][] RADIUS_ALIAS = {{0.3, 0.4}, {0.4, 0.5}, {0.5, 0.6}, {1, 0.2}, {1.5, 0.1}};

        @Override
        INDArray corrupt(INDArray x, double c, Random rng) {
            double[] ra = RADIUS_ALIAS[(int) c];
            return ImageOps.clip01(ImageOps.convolve(x, disk(ra[0], ra[1])));
        }
    },
    /** zoom blur: the mean of the image and its zooms by 1, 1.01, …, up to (not including) 1 + c */
    ZOOM_BLUR(0.06, 0.11, 0.16, 0.21, 0.26) {
        @Override
        INDArray corrupt(INDArray x, double c, Random rng) {
            int zooms = (int) Math.round(c / 0.01);
            INDArray sum = x.dup();
            for (int i = 0; i < zooms; i++) {
                double f = 1 + 0.01 * i;
                sum.addi(ImageOps.separable(x, n -> ImageOps.zoomMatrix(f, n)));
            }
            return ImageOps.clip01(sum.divi(zooms + 1));
        }
    },
    /** lower contrast: {@code (x − m)·c + m} with m each image's per-channel mean */
    CONTRAST(0.75, 0.5, 0.4, 0.3, 0.15) {
        @Override
        INDArray corrupt(INDArray x, double c, Random rng) {
            INDArray mean = x.mean(true, 2, 3);
            return ImageOps.clip01(x.sub(mean).muli(c).addi(mean));
        }
    },
    /** brighter: the HSV value raised by c (hue and saturation kept; for grey images, every value raised by c) */
    BRIGHTNESS(0.05, 0.10, 0.15, 0.20, 0.30) {
        @Override
        INDArray corrupt(INDArray x, double c, Random rng) {
            if (x.size(1) == 1) return ImageOps.clip01(x.add(c));
            INDArray v = x.max(true, 1);
            INDArray raised = Transforms.min(v.add(c), 1.0, false);
            // scaling every channel by V'/V keeps hue and saturation; a black pixel becomes grey of value V'
            INDArray lit = v.gt(0).castTo(x.dataType());
            INDArray ratio = raised.div(Transforms.max(v, 1e-12, true)).muli(lit);
            return ImageOps.clip01(x.mul(ratio).addi(raised.mul(lit.rsub(1))));
        }
    },
    /** HSV saturation scaled by s and shifted by t: (s, t) = (0.3, 0), (0.1, 0), (1.5, 0), (2, 0.1), (2.5, 0.2) */
    SATURATE(0, 1, 2, 3, 4) {
        private static final double[][] SCALE_SHIFT = {{0.3, 0}, {0.1, 0}, {1.5, 0}, {2, 0.1}, {2.5, 0.2}};

        @Override
        boolean appliesTo(int channels) {
            return channels == 3;
        }

        @Override
        INDArray corrupt(INDArray x, double c, Random rng) {
            double[] st = SCALE_SHIFT[(int) c];
            INDArray v = x.max(true, 1);
            INDArray lo = x.min(true, 1);
            INDArray vSafe = Transforms.max(v, 1e-12, true);
            INDArray s = v.sub(lo).divi(vSafe);
            INDArray s2 = ImageOps.clip01(s.mul(st[0]).addi(st[1]));
            INDArray coloured = s.gt(0).castTo(x.dataType());
            // at fixed hue and value, V − channel is proportional to the saturation
            INDArray ratio = s2.div(Transforms.max(s, 1e-12, true)).muli(coloured);
            INDArray scaled = x.rsub(v).muli(ratio).rsubi(v);
            // a grey pixel has hue 0 (red): red keeps V, green and blue become V·(1 − S')
            INDArray grey = Nd4j.concat(1, v, v.mul(s2.rsub(1)), v.mul(s2.rsub(1)));
            return ImageOps.clip01(scaled.muli(coloured).addi(grey.muli(coloured.rsub(1))));
        }
    },
    /** JPEG compression at quality c (javax.imageio's baseline JPEG encoder) */
    JPEG_COMPRESSION(80, 65, 58, 50, 40) {
        @Override
        INDArray corrupt(INDArray x, double c, Random rng) {
            return jpeg(x, (float) (c / 100));
        }
    },
    /** pixelate: box-resized down to a share c of each side (rounded down), then box-resized back */
    PIXELATE(0.95, 0.90, 0.85, 0.75, 0.65) {
        @Override
        INDArray corrupt(INDArray x, double c, Random rng) {
            int h = (int) x.size(2), w = (int) x.size(3);
            int h2 = Math.max(1, (int) (h * c)), w2 = Math.max(1, (int) (w * c));
            INDArray small = ImageOps.separable(x, ImageOps.boxResizeMatrix(h, h2), ImageOps.boxResizeMatrix(w, w2));
            return ImageOps.clip01(ImageOps.separable(small, ImageOps.boxResizeMatrix(h2, h),
                    ImageOps.boxResizeMatrix(w2, w)));
        }
    };

    /** The number of severities of every corruption. */
    public static final int SEVERITIES = 5;

    private final double[] constants;

    Corruption(double... constants) {
        if (constants.length != SEVERITIES) throw new IllegalArgumentException("five severities");
        this.constants = constants;
    }

    /** The name used in records and reports, e.g. {@code gaussian-noise}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Whether the corruption is defined for images of {@code channels} channels. */
    boolean appliesTo(int channels) {
        return true;
    }

    /** Public form of {@link #appliesTo}. */
    public boolean applies(int channels) {
        return appliesTo(channels);
    }

    /**
     * Corrupted copies of {@code images} ({@code [N, C, H, W]} in [0, 1]) at {@code severity} (1 to 5); random
     * draws come from {@code rng} only, so a seeded generator fixes the result.
     */
    public INDArray apply(INDArray images, int severity, Random rng) {
        ImageOps.requireImages(images);
        if (severity < 1 || severity > SEVERITIES) {
            throw new IllegalArgumentException("severity must be 1 to " + SEVERITIES + ", got " + severity);
        }
        if (!appliesTo((int) images.size(1))) {
            throw new IllegalArgumentException(id() + " does not apply to images of " + images.size(1) + " channel(s)");
        }
        return corrupt(images.dup('c'), constants[severity - 1], rng);
    }

    abstract INDArray corrupt(INDArray x, double c, Random rng);

    private static INDArray normal(INDArray like, double sd, Random rng) {
        INDArray z = Nd4j.createUninitialized(like.dataType(), like.shape());
        Nd4j.getExecutioner().exec(new GaussianDistribution(z, 0, sd), rng);
        return z;
    }

    private static INDArray uniform(INDArray like, Random rng) {
        INDArray u = Nd4j.createUninitialized(like.dataType(), like.shape());
        Nd4j.getExecutioner().exec(new UniformDistribution(u, 0, 1), rng);
        return u;
    }

    /** A disk of radius r (pixel centres within r), blurred by a 3×3 Gaussian of sd a, normalised to sum 1. */
    static double[][] disk(double r, double a) {
        int half = (int) Math.ceil(r) + 1;
        int size = 2 * half + 1;
        double[][] d = new double[size][size];
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < size; j++) {
                double y = i - half, x = j - half;
                d[i][j] = x * x + y * y <= r * r ? 1 : 0;
            }
        }
        double[] g = ImageOps.gaussianKernel(a, 1.0 / a); // three taps
        double[] g3 = g.length == 3 ? g : new double[] {g[g.length / 2 - 1], g[g.length / 2], g[g.length / 2 + 1]};
        double s3 = g3[0] + g3[1] + g3[2];
        double[][] out = new double[size][size];
        double sum = 0;
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < size; j++) {
                double v = 0;
                for (int di = -1; di <= 1; di++) {
                    for (int dj = -1; dj <= 1; dj++) {
                        int ii = i + di, jj = j + dj;
                        if (ii >= 0 && jj >= 0 && ii < size && jj < size) v += g3[di + 1] * g3[dj + 1] / (s3 * s3) * d[ii][jj];
                    }
                }
                out[i][j] = v;
                sum += v;
            }
        }
        for (double[] row : out) for (int j = 0; j < row.length; j++) row[j] /= sum;
        return out;
    }

    /** Each image through a JPEG encoder and decoder at {@code quality} in (0, 1]; 8-bit values, as JPEG stores. */
    private static INDArray jpeg(INDArray x, float quality) {
        int n = (int) x.size(0), ch = (int) x.size(1), h = (int) x.size(2), w = (int) x.size(3);
        if (ch != 1 && ch != 3) throw new IllegalArgumentException("JPEG takes 1- or 3-channel images, got " + ch);
        int per = h * w * ch;
        int[] bytes = Transforms.round(x.mul(255), false).permute(0, 2, 3, 1).dup('c').castTo(DataType.INT32).data().asInt();
        int[] decoded = new int[bytes.length];
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            for (int i = 0; i < n; i++) {
                BufferedImage img = new BufferedImage(w, h, ch == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
                img.getRaster().setPixels(0, 0, w, h, java.util.Arrays.copyOfRange(bytes, i * per, (i + 1) * per));
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(buf)) {
                    writer.setOutput(out);
                    writer.write(null, new IIOImage(img, null, null), param);
                }
                BufferedImage back = ImageIO.read(new ByteArrayInputStream(buf.toByteArray()));
                int[] px = back.getRaster().getPixels(0, 0, w, h, (int[]) null);
                if (px.length != per) throw new IllegalStateException("the JPEG decoder returned " + px.length + " values");
                System.arraycopy(px, 0, decoded, i * per, per);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("JPEG round trip failed", e);
        } finally {
            writer.dispose();
        }
        INDArray back = Nd4j.createFromArray(decoded).reshape('c', n, h, w, ch).permute(0, 3, 1, 2).dup('c');
        return back.castTo(x.dataType()).divi(255);
    }
}
