package org.pnnlab.models.cnnf;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.pnnlab.api.LayerParams;
import org.pnnlab.api.LayerRegistry;
import org.pnnlab.api.ParamSpec;
import org.pnnlab.layers.feedback.FeedbackNetwork;
import org.pnnlab.models.ModelFactory;
import org.pnnlab.models.ModelSpec;

/**
 * {@code cnnf}: the Fashion-MNIST CNN-F (spec CNNF 2) as one {@link FeedbackNetwork} vertex named
 * {@code logits} followed by the softmax cross-entropy output. {@code cycles 0, ind 0, res 0} is the plain
 * feed-forward CNN of the paper's comparison (and its transfer attacker).
 */
public final class CnnfFactory implements ModelFactory {
    static final List<ParamSpec> OPTIONS = List.of(
            ParamSpec.intParam("ind", 2, 0, 2, "level later passes restart from and reconstructions target (0 = image, 1 = after the first block, 2 = after the second)"),
            ParamSpec.intParam("cycles", 1, 0, 100, "feedback cycles of inference"),
            ParamSpec.doubleParam("res", 0.1, 0, 1, "res_param: step toward the reconstruction and the adaptive ReLU blend"),
            ParamSpec.choiceParam("output", "average", FeedbackNetwork.OUTPUTS, "logits used for prediction: first pass, last cycle or average over passes"));

    @Override
    public String name() {
        return "cnnf";
    }

    @Override
    public String description() {
        return "CNN-F for 1x28x28 (Fashion-MNIST): 4 conv + 3 linear layers with generative feedback and alternating MAP inference";
    }

    @Override
    public List<ParamSpec> options() {
        return OPTIONS;
    }

    @Override
    public ComputationGraphConfiguration build(ModelSpec spec, LayerRegistry registry, NeuralNetConfiguration.Builder base) {
        LayerParams o = LayerParams.validate("model cnnf", OPTIONS, spec.options());
        Map<String, String> arch = new TreeMap<>();
        arch.put("ind", String.valueOf(o.getInt("ind")));
        arch.put("cycles", String.valueOf(o.getInt("cycles")));
        arch.put("res", String.valueOf(o.getDouble("res")));
        return graph(spec, base, CnnfFashionArchitecture.ID, arch, o.getString("output"));
    }

    /** input -> feedback vertex {@code logits} -> softmax cross-entropy {@code output}. */
    static ComputationGraphConfiguration graph(ModelSpec spec, NeuralNetConfiguration.Builder base, String architecture,
                                               Map<String, String> arch, String output) {
        InputType in = InputType.convolutional(spec.height(), spec.width(), spec.channels());
        ComputationGraphConfiguration.GraphBuilder g = base.graphBuilder().addInputs("input").setInputTypes(in);
        g.addLayer(LOGITS, FeedbackNetwork.of(LOGITS, architecture, arch, spec.channels(), spec.height(),
                spec.width(), spec.classes(), output, spec.seed()), "input");
        g.addLayer(OUTPUT, new LossLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                .build(), LOGITS);
        g.setOutputs(OUTPUT);
        return g.build();
    }
}
