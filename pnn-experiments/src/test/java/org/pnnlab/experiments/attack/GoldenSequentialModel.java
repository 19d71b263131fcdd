package org.pnnlab.experiments.attack;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pnnlab.layers.testing.GoldenCases;

/**
 * The small sequential classifier of an {@code autoattack} golden case ({@code case.json → model}) rebuilt as a
 * DL4J network in double precision with DL4J's own layers: {@code conv2d} (cross-correlation, zero padding),
 * {@code relu}, {@code maxpool2d} (2×2, stride 2, floor), {@code flatten} (the C-order preprocessor DL4J inserts
 * before a dense layer) and {@code linear} (torch's {@code W} is {@code [out, in]}, DL4J's {@code [in, out]}).
 */
final class GoldenSequentialModel {
    static final String LOGITS = "logits";

    private GoldenSequentialModel() {
    }

    static ComputationGraph build(Path dir, JsonNode model) {
        JsonNode in = model.get("input_shape");
        var g = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).seed(0).graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional(in.get(1).asLong(), in.get(2).asLong(), in.get(0).asLong()));
        JsonNode layers = model.get("layers");
        String previous = "in";
        int lastParam = -1;
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i).has("weight")) lastParam = i;
        }
        for (int i = 0; i < layers.size(); i++) {
            JsonNode l = layers.get(i);
            String name = i == lastParam ? LOGITS : "l" + i;
            org.deeplearning4j.nn.conf.layers.Layer layer = switch (l.get("type").asText()) {
                case "flatten" -> null;
                case "relu" -> new ActivationLayer.Builder().activation(Activation.RELU).build();
                case "maxpool2d" -> {
                    require(l.get("kernel_size").asInt() == 2 && l.get("stride").asInt() == 2
                            && l.path("padding").asInt(0) == 0 && !l.path("ceil_mode").asBoolean(false), l);
                    yield new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                            .convolutionMode(ConvolutionMode.Truncate).build();
                }
                case "conv2d" -> {
                    require(l.path("groups").asInt(1) == 1 && l.path("dilation").asInt(1) == 1, l);
                    int k = l.get("kernel_size").asInt();
                    int s = l.get("stride").asInt();
                    int p = l.get("padding").asInt();
                    yield new ConvolutionLayer.Builder(k, k).stride(s, s).padding(p, p).nIn(l.get("in_channels").asInt())
                            .nOut(l.get("out_channels").asInt()).activation(Activation.IDENTITY).hasBias(true)
                            .convolutionMode(ConvolutionMode.Truncate).build();
                }
                case "linear" -> new DenseLayer.Builder().nIn(l.get("in_features").asInt())
                        .nOut(l.get("out_features").asInt()).activation(Activation.IDENTITY).hasBias(true).build();
                default -> throw new IllegalArgumentException("unknown layer type " + l.get("type"));
            };
            if (layer == null) continue;
            g.addLayer(name, layer, previous);
            previous = name;
        }
        ComputationGraphConfiguration conf = g.setOutputs(previous).build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        for (int i = 0; i < layers.size(); i++) {
            JsonNode l = layers.get(i);
            if (!l.has("weight")) continue;
            var layer = net.getLayer(i == lastParam ? LOGITS : "l" + i);
            INDArray w = GoldenCases.npy(dir, l.get("weight").asText()).castTo(DataType.DOUBLE);
            INDArray b = GoldenCases.npy(dir, l.get("bias").asText()).castTo(DataType.DOUBLE);
            INDArray wParam = layer.getParam("W");
            wParam.assign(l.get("type").asText().equals("linear") ? w.transpose() : w.reshape(wParam.shape()));
            layer.getParam("b").assign(b.reshape(layer.getParam("b").shape()));
        }
        return net;
    }

    private static void require(boolean ok, JsonNode layer) {
        if (!ok) throw new IllegalArgumentException("unsupported layer settings " + layer);
    }
}
