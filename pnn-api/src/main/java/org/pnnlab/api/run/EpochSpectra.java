package org.pnnlab.api.run;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The layer spectra of a network at the end of an epoch, and (after the last epoch) an empirical local estimate of
 * its Lipschitz constant.
 *
 * @param layers one entry per convolution-like layer, in network order
 * @param localLipschitz the mean L2 norm of the input gradient of the logit margin (true class's logit minus the
 *     largest other) over test images, in model-input units; null except in the last epoch
 * @param localImages the number of test images {@code localLipschitz} averages over; null with it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EpochSpectra(List<LayerSpectrum> layers, @Nullable Double localLipschitz, @Nullable Integer localImages) {
    public EpochSpectra {
        layers = List.copyOf(layers);
    }

    public static EpochSpectra of(List<LayerSpectrum> layers) {
        return new EpochSpectra(layers, null, null);
    }

    public EpochSpectra withLocalLipschitz(double estimate, int images) {
        return new EpochSpectra(layers, estimate, images);
    }

    /**
     * The product of the layers' spectral norms ({@link LayerSpectrum#sigmaMax}): an upper bound on the Lipschitz
     * constant of the convolutional part (activations, pooling and residual sums taken as 1-Lipschitz).
     */
    @JsonIgnore
    public double productOfNorms() {
        double p = 1;
        for (LayerSpectrum l : layers) p *= l.sigmaMax();
        return p;
    }
}
