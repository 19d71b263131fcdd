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
import org.pnnlab.layers.dl4j.Activations;
import org.pnnlab.layers.dl4j.BatchNorm;
import org.pnnlab.layers.dl4j.Dropout;

/**
 * {@code cifarnet} of the perturbation-network reproduction (spec 2.5): six slots in pairs, each pair followed
 * by a 3x3 stride-2 pooling with padding 1 ({@code pool1..3}), then dropout, a 256-unit linear layer, batch
 * norm, activation, dropout and the linear classifier. The first slot uses {@code firstLayer} (no activation
 * after the noise unless asked, level times {@code scale_noise}), slots 2-6 use {@code layer}. Slot names
 * {@code slot1..slot6}; works on 1x28x28 and 3x32x32 (trunk output nf x4x4 on both).
 */
public final class CifarnetFactory implements ModelFactory {
    static final List<ParamSpec> OPTIONS = List.of(
            ParamSpec.intParam("nfilters", 64, 1, 4096, "channels of every slot"),
            ParamSpec.choiceParam("pool_type", "max", List.of("max", "avg"), "pooling after slots 2, 4, 6 (avg counts the zero padding)"),
            ParamSpec.doubleParam("dropout", 0.5, 0, 0.95, "dropout probability before each linear layer"),
            ParamSpec.intParam("linear", 256, 1, 65536, "units of the hidden linear layer"),
            ParamSpec.choiceParam("act", "relu", Activations.SLOT_NAMES, "activation after the hidden linear layer (prelu: its own learnable slope)"),
            ParamSpec.doubleParam("scale_noise", 1.0, 0, 1e6, "multiplies the noise level of the first slot"));

    @Override
    public String name() {
        return "cifarnet";
    }

    @Override
    public String description() {
        return "6 slots with 3x3/2 pooling after every second one, then linear 256 + batch norm + linear "
                + "(1x28x28 or 3x32x32)";
    }

    @Override
    public List<ParamSpec> options() {
        return OPTIONS;
    }

    @Override
    public ComputationGraphConfiguration build(ModelSpec spec, LayerRegistry registry, NeuralNetConfiguration.Builder base) {
        LayerParams o = LayerParams.validate("model cifarnet", OPTIONS, spec.options());
        int nf = o.getInt("nfilters");
        Pool2d.Kind pool = Blocks.poolType(o.getString("pool_type"));
        double dropout = o.getDouble("dropout");
        int linear = o.getInt("linear");
        InputType in = InputType.convolutional(spec.height(), spec.width(), spec.channels());
        ComputationGraphConfiguration.GraphBuilder g = base.graphBuilder().addInputs("input").setInputTypes(in);
        GraphChain chain = new GraphChain(g, registry, "input", in, spec.seed());
        Map<String, Object> first = SlotDefaults.firstSlot(registry.get(spec.firstLayer()), spec.firstLayerParams(),
                o.getDouble("scale_noise"));
        for (int i = 1; i <= 6; i++) {
            if (i == 1) chain.slot("slot1", spec.firstLayer(), first, nf);
            else chain.slot("slot" + i, spec.layer(), spec.layerParams(), nf);
            if (i % 2 == 0) chain.add(Blocks.pool("pool" + i / 2, pool, 3, 2, 1));
        }
        if (dropout > 0) chain.add(Dropout.of("dropout1", dropout));
        chain.add(new DenseLayer.Builder().nOut(linear).activation(Activation.IDENTITY).weightInit(WeightInit.UNIFORM)
                .name("linear1").build());
        chain.add(BatchNorm.withActivation("bn1", linear, o.getString("act")));
        if (dropout > 0) chain.add(Dropout.of("dropout2", dropout));
        chain.add(new DenseLayer.Builder().nOut(spec.classes()).activation(Activation.IDENTITY)
                .weightInit(WeightInit.UNIFORM).name(LOGITS).build());
        chain.add(new LossLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX).name(OUTPUT).build());
        g.setOutputs(OUTPUT);
        return g.build();
    }
}
