package org.pnnlab.models.ocnn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The two distances of the OCNN regulariser, with their gradients (Frobenius norms, not squared):
 * <ul>
 *   <li>{@link #orth}: ‖MᵀM − I‖_F with M the kernel as a {@code [out, in·k·k]} matrix, transposed first when it has
 *       fewer rows than columns; gradient 2·M(MᵀM − I)/D, transposed back;</li>
 *   <li>{@link #deconv}: ‖conv(K, K, stride, padding 1) − T‖_F, the out kernels convolved with themselves as a batch of
 *       {@code in}-channel images, giving {@code [out, out, o, o]}, with T the identity at the centre index ⌊o/2⌋ and
 *       zero elsewhere. K is both the images and the filters, so its gradient is the sum of the convolution's input
 *       and weight gradients for the upstream (O − T)/D.</li>
 * </ul>
 */
public final class OrthogonalityDistance {
    /** A distance and its gradient with respect to the kernel (the kernel's shape). */
    public record ValueAndGradient(double value, INDArray gradient) {
    }

    private OrthogonalityDistance() {
    }

    public static ValueAndGradient orth(INDArray kernel) {
        long out = kernel.size(0);
        INDArray m = kernel.reshape('c', out, kernel.length() / out);
        boolean transposed = m.rows() < m.columns();
        if (transposed) m = m.transpose();
        INDArray e = m.transpose().mmul(m).subi(Nd4j.eye(m.columns()).castTo(m.dataType()));
        double d = e.norm2Number().doubleValue();
        INDArray g = d == 0 ? Nd4j.zeros(m.dataType(), m.shape()) : m.mmul(e).muli(2 / d);
        if (transposed) g = g.transpose();
        return new ValueAndGradient(d, g.dup('c').reshape('c', kernel.shape()));
    }

    public static ValueAndGradient deconv(INDArray kernel, int stride) {
        INDArray k = kernel.dup('c');
        int kh = (int) k.size(2);
        int kw = (int) k.size(3);
        long out = k.size(0);
        long oh = (kh + 2 - kh) / stride + 1;
        long ow = (kw + 2 - kw) / stride + 1;
        int[] args = {kh, kw, stride, stride, 1, 1, 1, 1, 0, 0, 1}; // padding 1, NCHW, weights [out, in, kH, kW]
        INDArray o = Nd4j.createUninitialized(k.dataType(), out, out, oh, ow);
        Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(k, k).addOutputs(o).addIntegerArguments(args).build());
        INDArray diff = o.dup('c');
        diff.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(oh / 2), NDArrayIndex.point(ow / 2))
                .subi(Nd4j.eye(out).castTo(k.dataType()));
        double d = diff.norm2Number().doubleValue();
        if (d == 0) return new ValueAndGradient(0, Nd4j.zeros(k.dataType(), k.shape()));
        INDArray eps = diff.divi(d);
        INDArray asImages = Nd4j.createUninitialized(k.dataType(), k.shape());
        INDArray asFilters = Nd4j.createUninitialized(k.dataType(), k.shape());
        Nd4j.exec(DynamicCustomOp.builder("conv2d_bp").addInputs(k, k, eps).addOutputs(asImages, asFilters)
                .addIntegerArguments(args).build());
        return new ValueAndGradient(d, asImages.addi(asFilters));
    }
}
