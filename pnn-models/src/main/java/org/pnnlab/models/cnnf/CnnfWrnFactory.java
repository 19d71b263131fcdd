package org.pnnlab.models.cnnf;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.pnnlab.api.LayerParams;
import org.pnnlab.api.LayerRegistry;
import org.pnnlab.api.ParamSpec;
import org.pnnlab.layers.feedback.FeedbackNetwork;
import org.pnnlab.models.ModelFactory;
import org.pnnlab.models.ModelSpec;

/**
 * {@code cnnf_wrn}: the CIFAR-10 CNN-F on a pre-activation WRN-40-2 (spec CNNF 3), as one feedback vertex
 * {@code logits} and the softmax cross-entropy output. {@code cycles 0, ind 0, res 0} is the plain WRN.
 */
public final class CnnfWrnFactory implements ModelFactory {
    static final List<ParamSpec> OPTIONS = List.of(
            ParamSpec.intParam("depth", 40, 10, 1000, "network depth, 6n+4"),
            ParamSpec.intParam("widen", 2, 1, 16, "widening factor"),
            ParamSpec.intParam("ind", 5, 0, 100, "later passes restart after this block of the first group (0 = from the image)"),
            ParamSpec.intParam("cycles", 2, 0, 100, "feedback cycles of inference"),
            ParamSpec.doubleParam("res", 0.1, 0, 1, "res_param: step toward the reconstruction and the adaptive ReLU blend"),
            ParamSpec.choiceParam("output", "average", FeedbackNetwork.OUTPUTS, "logits used for prediction"));

    @Override
    public String name() {
        return "cnnf_wrn";
    }

    @Override
    public String description() {
        return "CNN-F on a pre-activation WRN-40-2 for 3x32x32 (CIFAR-10), with generative feedback";
    }

    @Override
    public List<ParamSpec> options() {
        return OPTIONS;
    }

    @Override
    public ComputationGraphConfiguration build(ModelSpec spec, LayerRegistry registry, NeuralNetConfiguration.Builder base) {
        LayerParams o = LayerParams.validate("model cnnf_wrn", OPTIONS, spec.options());
        Map<String, String> arch = new TreeMap<>();
        for (String k : List.of("depth", "widen", "ind", "cycles")) arch.put(k, String.valueOf(o.getInt(k)));
        arch.put("res", String.valueOf(o.getDouble("res")));
        return CnnfFactory.graph(spec, base, CnnfWrnArchitecture.ID, arch, o.getString("output"));
    }
}
