package org.pnnlab.layers;

import org.pnnlab.api.LayerParams;
import org.pnnlab.api.ParamSpec;
import org.pnnlab.layers.dl4j.SpectralNormConv;

/**
 * {@code sn-conv}: a spectrally normalised convolution (PyTorch's {@code spectral_norm}, spec CONVNORM 2.1)
 * followed by batch norm and an activation, with the parameters of {@code conv} plus {@code power_iterations}.
 * See {@link SpectralNormConv}.
 */
public final class SnConvPlugin extends ReparamConvPlugin {
    public static final String ID = "sn-conv";

    public SnConvPlugin() {
        super(ID, "spectrally normalised KxK convolution (W / sigma, power iteration) + batch norm + activation",
                ParamSpec.intParam("power_iterations", 1, 1, 100,
                        "power-iteration steps that update u and v in each training forward (none in evaluation)"));
    }

    @Override
    protected SpectralNormConv convolution(String slot, long in, long out, int kernel, int stride, int padding,
                                           boolean bias, LayerParams p) {
        return SpectralNormConv.of(slot + "_snconv", in, out, kernel, stride, padding, bias,
                p.getInt("power_iterations"));
    }
}
