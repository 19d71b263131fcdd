package org.pnnlab.layers;

import org.pnnlab.api.LayerParams;
import org.pnnlab.api.ParamSpec;
import org.pnnlab.layers.dl4j.OniConv;

/**
 * {@code oni-conv}: a convolution whose kernel is orthogonalised by Newton iteration (ONI, spec CONVNORM 2.1; one
 * norm group, a learnable per-channel scale) followed by batch norm and an activation, with the parameters of
 * {@code conv} plus {@code T}. See {@link OniConv}.
 */
public final class OniConvPlugin extends ReparamConvPlugin {
    public static final String ID = "oni-conv";

    public OniConvPlugin() {
        super(ID, "ONI convolution (kernel orthogonalised by Newton iteration, learnable per-channel scale) + batch norm + activation",
                ParamSpec.intParam("T", 3, 1, 100,
                        "Newton iterations of the orthogonalisation (the gradient flows through them)"));
    }

    @Override
    protected OniConv convolution(String slot, long in, long out, int kernel, int stride, int padding, boolean bias,
                                  LayerParams p) {
        return OniConv.of(slot + "_oniconv", in, out, kernel, stride, padding, bias, p.getInt("T"));
    }
}
