package org.pnnlab.models;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.pnnlab.layers.dl4j.Pool2d;
import org.pnnlab.api.LayerParams;
import org.pnnlab.api.LayerRegistry;
import org.pnnlab.api.ParamSpec;

/**
 * {@code simple_cnn}, the small network of the ConvNorm experiments (spec CONVNORM 2.4): six 3x3 convolution
 * slots of widths 8, 8, 16, 16, 32, 32 (padding 1, each ending with its normalisation and ReLU), a 2x2
 * max-pool after every second one, and a linear classifier on the flattened map (512 inputs for 3x32x32,
 * 288 for 1x28x28). The first slot holds the first layer, the others the run's layer; the plugin must take
 * kernel, stride, padding and act (conv and convnorm do). With {@code conv} the convolutions have a bias, as
 * PyTorch's default Conv2d in the reference; a user's {@code --layer-opt bias=…} overrides it.
 *
 * <p>Vertex names: {@code c1 … c6} (slots), {@code pool1 … pool3}, {@code logits}, {@code output}.
 */
public final class SimpleCnnFactory implements ModelFactory {
    static final List<ParamSpec> OPTIONS = List.of(
            ParamSpec.intParam("width", 8, 1, 4096, "channels of the first two slots (then 2x and 4x)"));

    @Override
    public String name() {
        return "simple_cnn";
    }

    @Override
    public String description() {
        return "ConvNorm's simple CNN: [w, w, M, 2w, 2w, M, 4w, 4w, M] 3x3 slots + linear (w = 8)";
    }

    @Override
    public List<ParamSpec> options() {
        return OPTIONS;
    }

    @Override
    public ComputationGraphConfiguration build(ModelSpec spec, LayerRegistry registry, NeuralNetConfiguration.Builder base) {
        LayerParams o = LayerParams.validate("model simple_cnn", OPTIONS, spec.options());
        int w = o.getInt("width");
        InputType in = InputType.convolutional(spec.height(), spec.width(), spec.channels());
        ComputationGraphConfiguration.GraphBuilder g = base.graphBuilder().addInputs("input").setInputTypes(in);
        GraphChain chain = new GraphChain(g, registry, "input", in, spec.seed());
        int[] widths = {w, w, 2 * w, 2 * w, 4 * w, 4 * w};
        for (int i = 0; i < widths.length; i++) {
            String id = i == 0 ? spec.firstLayer() : spec.layer();
            Map<String, Object> user = i == 0 ? spec.firstLayerParams() : spec.layerParams();
            Map<String, Object> defaults = id.equals("conv") ? Map.of("bias", true) : Map.of();
            Blocks.convSlot(chain, registry, "simple_cnn", "c" + (i + 1), id, user, defaults, widths[i], 3, 1, 1, "relu");
            if (i % 2 == 1) {
                Blocks.requireFits(chain, "simple_cnn", "pool" + (i / 2 + 1), 2);
                chain.add(Blocks.pool("pool" + (i / 2 + 1), Pool2d.Kind.MAX, 2, 2, 0));
            }
        }
        chain.add(new DenseLayer.Builder().nOut(spec.classes()).activation(Activation.IDENTITY)
                .weightInit(WeightInit.UNIFORM).name(ModelFactory.LOGITS).build());
        chain.add(new LossLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                .name(ModelFactory.OUTPUT).build());
        g.setOutputs(ModelFactory.OUTPUT);
        return g.build();
    }
}
