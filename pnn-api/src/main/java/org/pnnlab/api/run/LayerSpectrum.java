package org.pnnlab.api.run;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The largest singular values (descending) of one convolution-like layer's linear map at inference, at the input
 * size it sees in the network.
 *
 * @param layer the layer's name in the network
 * @param height input height
 * @param width input width
 * @param operator the map as the layer applies it (its zero padding and stride; ConvNorm: convolution, running
 *     normaliser and affine kernel), by power iteration on the layer's forward map and its adjoint
 * @param folded the same with the following batch norm's inference-time scale folded in; null when none follows
 * @param circular the layer's kernel as a stride-1 convolution with circular padding on the same input size, exact
 *     (FFT method); null when the layer's map is not a single convolution
 * @param circularFolded {@code circular} with the batch norm's scale folded in; null when either is absent
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LayerSpectrum(String layer, long height, long width, List<Double> operator,
                            @Nullable List<Double> folded, @Nullable List<Double> circular,
                            @Nullable List<Double> circularFolded) {
    public LayerSpectrum {
        operator = List.copyOf(operator);
        folded = folded == null ? null : List.copyOf(folded);
        circular = circular == null ? null : List.copyOf(circular);
        circularFolded = circularFolded == null ? null : List.copyOf(circularFolded);
    }

    /**
     * The spectral norm of the map the network applies in this slot: with the batch norm's scale folded in where one
     * follows, else the layer's own.
     */
    @JsonIgnore
    public double sigmaMax() {
        List<Double> s = folded != null ? folded : operator;
        return s.isEmpty() ? Double.NaN : s.get(0);
    }
}
