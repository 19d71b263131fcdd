package org.pnnlab.datasets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/** Writes small test files in the real formats: IDX, CIFAR-10 binary, gzip, ustar tar. */
final class Fixtures {
    private Fixtures() {
    }

    /** IDX images: magic 0x803, count, rows, cols (big-endian), then the pixels. */
    static byte[] idxImages(int count, int rows, int cols, byte[] pixels) {
        ByteBuffer b = ByteBuffer.allocate(16 + pixels.length); // big-endian by default
        b.putInt(0x00000803).putInt(count).putInt(rows).putInt(cols).put(pixels);
        return b.array();
    }

    /** IDX labels: magic 0x801, count, then one byte per label. */
    static byte[] idxLabels(int... labels) {
        ByteBuffer b = ByteBuffer.allocate(8 + labels.length);
        b.putInt(0x00000801).putInt(labels.length);
        for (int label : labels) {
            b.put((byte) label);
        }
        return b.array();
    }

    /** {@code count} images where pixel k of image i is {@code (i * 37 + k * 11) % 256}. */
    static byte[] patternPixels(int count, int size) {
        byte[] pixels = new byte[count * size];
        for (int i = 0; i < count; i++) {
            for (int k = 0; k < size; k++) {
                pixels[i * size + k] = (byte) ((i * 37 + k * 11) % 256);
            }
        }
        return pixels;
    }

    /** CIFAR-10 binary records; image i has the value {@code planeValue(i, c)} everywhere in plane c. */
    static byte[] cifar(int... labels) {
        byte[] out = new byte[labels.length * 3073];
        for (int i = 0; i < labels.length; i++) {
            out[i * 3073] = (byte) labels[i];
            for (int c = 0; c < 3; c++) {
                for (int k = 0; k < 1024; k++) {
                    out[i * 3073 + 1 + c * 1024 + k] = (byte) planeValue(i, c);
                }
            }
        }
        return out;
    }

    /** Red 10+i, green 120+i, blue 250-i: distinct per plane, and blue above 127 to exercise the sign fix. */
    static int planeValue(int image, int channel) {
        return switch (channel) {
            case 0 -> 10 + image;
            case 1 -> 120 + image;
            default -> 250 - image;
        };
    }

    /**
     * Mean of all elements of a 2-D array, as the mean of the row means: ND4J's whole-array FLOAT reductions
     * accumulate in float and drift (on the 47M Fashion-MNIST training pixels meanNumber() is 1% off).
     */
    static double mean(org.nd4j.linalg.api.ndarray.INDArray x) {
        return x.mean(1).meanNumber().doubleValue();
    }

    /** Population standard deviation of all elements of a 2-D array, computed like {@link #mean}. */
    static double std(org.nd4j.linalg.api.ndarray.INDArray x) {
        double m = mean(x);
        return Math.sqrt(mean(x.mul(x)) - m * m);
    }

    static byte[] gzip(byte[] content) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static String sha256(byte[] content) {
        return hex("SHA-256", content);
    }

    static String md5(byte[] content) {
        return hex("MD5", content);
    }

    private static String hex(String algorithm, byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(content));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path write(Path file, byte[] content) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A tar archive (POSIX ustar, written here from the format description) of the entries in order; a name
     * ending in {@code /} is a directory entry. Names up to 100 bytes go in the name field, longer ones are split
     * into the ustar prefix and name at a {@code /}.
     */
    static byte[] tar(Map<String, byte[]> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            String name = e.getKey();
            boolean dir = name.endsWith("/");
            byte[] data = dir ? new byte[0] : e.getValue();
            byte[] header = new byte[512];
            String prefix = "";
            if (name.length() > 100) {
                int split = name.lastIndexOf('/', name.length() - 2);
                prefix = name.substring(0, split);
                name = name.substring(split + 1);
            }
            put(header, 0, name);
            put(header, 100, dir ? "0000755" : "0000644");
            put(header, 108, "0001750");
            put(header, 116, "0001750");
            put(header, 124, String.format("%011o", data.length));
            put(header, 136, String.format("%011o", 1_600_000_000L));
            header[156] = (byte) (dir ? '5' : '0');
            put(header, 257, "ustar");
            put(header, 263, "00");
            put(header, 265, "pnn");
            put(header, 297, "pnn");
            put(header, 345, prefix);
            for (int i = 148; i < 156; i++) {
                header[i] = ' ';
            }
            int sum = 0;
            for (byte b : header) {
                sum += b & 0xFF;
            }
            put(header, 148, String.format("%06o", sum));
            header[154] = 0;
            out.writeBytes(header);
            out.writeBytes(data);
            out.writeBytes(new byte[(512 - data.length % 512) % 512]);
        }
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    private static void put(byte[] header, int offset, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, header, offset, bytes.length);
    }
}
