package org.pnnlab.layers.dl4j;

import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationELU;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSELU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.pnnlab.api.PnnException;

/** The activation functions layers may use, by name, both as SameDiff ops and as DL4J activations. */
public final class Activations {
    /** Names usable everywhere. */
    public static final List<String> NAMES = List.of("relu", "lrelu", "elu", "selu", "tanh", "sigmoid", "identity");

    /**
     * Names a plugin slot may use: {@link #NAMES} plus {@code prelu} (one learnable slope shared by the slot,
     * see {@link PReLUBlock}) and {@code rrelu} (random slopes, {@link RReLU}).
     */
    public static final List<String> SLOT_NAMES = List.of("relu", "lrelu", "prelu", "rrelu", "elu", "selu", "tanh",
            "sigmoid", "identity");

    /** Slope of the leaky ReLU (PyTorch's default). */
    public static final double LEAKY_SLOPE = 0.01;

    private Activations() {
    }

    public static void check(String name) {
        if (!SLOT_NAMES.contains(name)) {
            throw new PnnException("unknown activation '" + name + "'; known: " + String.join(", ", SLOT_NAMES));
        }
    }

    /** Applies the activation as a SameDiff op. */
    public static SDVariable apply(SameDiff sd, String name, SDVariable x) {
        return switch (name) {
            case "relu" -> sd.nn().relu(x, 0.0);
            case "lrelu" -> // (1 - a)·relu(x) + a·x: libnd4j's leaky-ReLU backward rounds the slope to float
                    sd.nn().relu(x, 0.0).mul(1 - LEAKY_SLOPE).add(x.mul(LEAKY_SLOPE));
            case "elu" -> sd.nn().elu(x);
            case "selu" -> sd.nn().selu(x);
            case "tanh" -> sd.nn().tanh(x);
            case "sigmoid" -> sd.nn().sigmoid(x);
            case "identity" -> x;
            default -> throw new PnnException("unknown activation '" + name + "'; known: " + String.join(", ", NAMES));
        };
    }

    /** The same activation as a DL4J activation function. */
    public static IActivation dl4j(String name) {
        return switch (name) {
            case "relu" -> new ActivationReLU();
            case "lrelu" -> new LeakyRelu(LEAKY_SLOPE);
            case "elu" -> new ActivationELU(1.0);
            case "selu" -> new ActivationSELU();
            case "tanh" -> new ActivationTanH();
            case "sigmoid" -> new ActivationSigmoid();
            case "identity" -> new ActivationIdentity();
            case "rrelu" -> new RReLU();
            case "prelu" -> throw new PnnException("prelu has a learnable slope; it is not a fixed activation function "
                    + "(slots use PReLUBlock for it)");
            default -> throw new PnnException("unknown activation '" + name + "'; known: " + String.join(", ", NAMES));
        };
    }
}
