package org.example.mylayer;

import java.util.List;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.pnnlab.api.LayerBlock;
import org.pnnlab.api.LayerContext;
import org.pnnlab.api.LayerParams;
import org.pnnlab.api.LayerPlugin;
import org.pnnlab.api.ParamSpec;

/** {@code mine}: a 3x3 convolution (same size out) with the swish activation, x * sigmoid(x). */
public final class MyLayerPlugin implements LayerPlugin {
    @Override
    public String id() {
        return "mine";
    }

    @Override
    public String description() {
        return "3x3 convolution + swish";
    }

    @Override
    public List<ParamSpec> parameters() {
        return List.of(); // none; ParamSpec.intParam etc. declare --layer-opt name=value parameters
    }

    @Override
    public LayerBlock create(LayerParams params, LayerContext slot) {
        return LayerBlock.of(new ConvolutionLayer.Builder(3, 3).convolutionMode(ConvolutionMode.Same)
                .nIn(slot.inChannels()).nOut(slot.outChannels()).activation(new Swish())
                .name(slot.slotName() + "_conv").build());
    }

    /** x * sigmoid(x). A saved model names this class, so loading the model needs this jar. */
    public static final class Swish extends BaseActivationFunction {
        @Override
        public INDArray getActivation(INDArray x, boolean training) {
            return x.muli(Transforms.sigmoid(x, true));
        }

        @Override
        public Pair<INDArray, INDArray> backprop(INDArray x, INDArray gradient) {
            INDArray s = Transforms.sigmoid(x, true);
            // d/dx x s(x) = s + x s (1 - s)
            return new Pair<>(gradient.muli(s.mul(x.mul(s.rsub(1.0)).addi(1.0))), null);
        }

        @Override
        public String toString() {
            return "swish";
        }
    }
}
