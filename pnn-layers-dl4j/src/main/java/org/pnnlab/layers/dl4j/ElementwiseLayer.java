package org.pnnlab.layers.dl4j;

import java.util.Collection;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.NoParamLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.jspecify.annotations.Nullable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Configuration of a hand-written layer without parameters whose output has its input's shape (any input type,
 * no preprocessor): one output array of working memory, nothing else. Subclasses name their runtime.
 */
public abstract class ElementwiseLayer extends NoParamLayer {
    /** The subclass's runtime, before {@link Runtimes#wire}. */
    protected abstract NoParamRuntime<?> runtime(NeuralNetConfiguration conf, DataType dataType);

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                        Collection<TrainingListener> listeners, int index,
                                                        INDArray paramsView, boolean initializeParams,
                                                        DataType dataType) {
        return Runtimes.wire(runtime(conf, dataType), conf, listeners, index, paramsView, initializeParams);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return inputType;
    }

    @Override
    public @Nullable InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return null;
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        return new LayerMemoryReport.Builder(layerName, getClass(), inputType, inputType)
                .standardMemory(0, 0).workingMemory(0, 0, 0, inputType.arrayElementsPerExample())
                .cacheMemory(0, 0).build();
    }
}
