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
import org.pnnlab.api.LayerParams;
import org.pnnlab.api.LayerRegistry;
import org.pnnlab.api.ParamSpec;
import org.pnnlab.layers.dl4j.Activations;
import org.pnnlab.layers.dl4j.BatchNorm;
import org.pnnlab.layers.dl4j.Dropout;
import org.pnnlab.layers.dl4j.Pool2d;

/**
 * {@code lenet} of the perturbation-network reproduction (spec 2.4): three slots, each followed by a
 * 3x3 stride-2 pooling with padding 1, then dropout, a 128-unit linear layer, batch norm, activation,
 * dropout and the linear classifier. The first slot uses {@code firstLayer}, the others {@code layer}.
 */
public final class LenetFactory implements ModelFactory {
    static final List<ParamSpec> OPTIONS = List.of(
            ParamSpec.intParam("nfilters", 64, 1, 4096, "channels of every slot"),
            ParamSpec.choiceParam("pool_type", "max", List.of("max", "avg"), "pooling after each slot (avg counts the zero padding)"),
            ParamSpec.doubleParam("dropout", 0.5, 0, 0.95, "dropout probability before each linear layer"),
            ParamSpec.intParam("linear", 128, 1, 65536, "units of the hidden linear layer"),
            ParamSpec.choiceParam("act", "relu", Activations.SLOT_NAMES, "activation after the hidden linear layer (prelu: its own learnable slope)"),
            ParamSpec.doubleParam("scale_noise", 1.0, 0, 1e6, "multiplies the noise level of the first slot"));

    @Override
    public String name() {
        return "lenet";
    }

    @Override
    public String description() {
        return "3 slots with 3x3/2 pooling, then linear 128 + batch norm + linear (1x28x28 or 3x32x32)";
    }

    @Override
    public List<ParamSpec> options() {
        return OPTIONS;
    }

    @Override
    public ComputationGraphConfiguration build(ModelSpec spec, LayerRegistry registry, NeuralNetConfiguration.Builder base) {
        LayerParams o = LayerParams.validate("model lenet", OPTIONS, spec.options());
        int nf = o.getInt("nfilters");
        Pool2d.Kind pool = Blocks.poolType(o.getString("pool_type"));
        double dropout = o.getDouble("dropout");
        InputType in = InputType.convolutional(spec.height(), spec.width(), spec.channels());
        ComputationGraphConfiguration.GraphBuilder g = base.graphBuilder().addInputs("input").setInputTypes(in);
        GraphChain chain = new GraphChain(g, registry, "input", in, spec.seed());
        Map<String, Object> first = SlotDefaults.firstSlot(registry.get(spec.firstLayer()), spec.firstLayerParams(),
                o.getDouble("scale_noise"));
        for (int i = 1; i <= 3; i++) {
            if (i == 1) chain.slot("slot1", spec.firstLayer(), first, nf);
            else chain.slot("slot" + i, spec.layer(), spec.layerParams(), nf);
            chain.add(Blocks.pool("pool" + i, pool, 3, 2, 1));
        }
        DenseLayer.Builder l1 = new DenseLayer.Builder().nOut(o.getInt("linear")).activation(Activation.IDENTITY)
                .weightInit(WeightInit.UNIFORM).name("linear1");
        DenseLayer.Builder l2 = new DenseLayer.Builder().nOut(spec.classes()).activation(Activation.IDENTITY)
                .weightInit(WeightInit.UNIFORM).name(LOGITS);
        if (dropout > 0) chain.add(Dropout.of("dropout1", dropout));
        chain.add(l1.build());
        chain.add(BatchNorm.withActivation("bn1", o.getInt("linear"), o.getString("act")));
        if (dropout > 0) chain.add(Dropout.of("dropout2", dropout));
        chain.add(l2.build());
        chain.add(new LossLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX).name(OUTPUT).build());
        g.setOutputs(OUTPUT);
        return g.build();
    }
}
