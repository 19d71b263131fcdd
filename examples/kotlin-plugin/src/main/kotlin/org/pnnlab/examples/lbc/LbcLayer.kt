package org.pnnlab.examples.lbc

import java.util.Objects
import java.util.SplittableRandom
import org.deeplearning4j.nn.conf.InputPreProcessor
import org.deeplearning4j.nn.conf.inputs.InputType
import org.deeplearning4j.nn.conf.layers.InputTypeUtil
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams
import org.nd4j.autodiff.samediff.SDVariable
import org.nd4j.autodiff.samediff.SameDiff
import org.nd4j.linalg.api.ndarray.INDArray
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode
import org.nd4j.linalg.factory.Nd4j
import org.nd4j.linalg.learning.config.IUpdater
import org.nd4j.linalg.learning.config.Sgd
import org.nd4j.linalg.learning.regularization.Regularization
import org.pnnlab.api.ParamKind
import org.pnnlab.api.ParamKinds
import org.pnnlab.api.PnnException
import org.pnnlab.layers.dl4j.ConvShapes
import org.pnnlab.layers.dl4j.GradFixSameDiffLayer

/**
 * Local binary convolution (LBCNN, Juefei-Xu, Boddeti and Savvides, CVPR'17) as a DL4J SameDiff layer:
 *
 * 1. a 3x3 convolution (stride 1, zero padding 1, no bias) of the `nIn` input maps with a fixed bank of
 *    [intermediate] sparse binary filters `[m, C, 3, 3]` whose weights are -1, 0 or +1,
 * 2. ReLU,
 * 3. a learnable 1x1 convolution `m -> nOut` with bias.
 *
 * The output has the input's height and width. The binary filters are drawn once from [filterSeed] with
 * [java.util.SplittableRandom] (see [drawFilters]): each weight is non-zero with probability [sparsity], and a
 * non-zero weight is +1 or -1 with equal probability. They are stored as the parameter [FILTERS] (so saved
 * models carry them) but frozen: [ParamKind.FIXED], updater `Sgd(0)`, no regularisation.
 *
 * Parameters (PyTorch layouts, permuted to YXIO inside the graph): [FILTERS] `[m, C, 3, 3]`,
 * [WEIGHT] `[nOut, m, 1, 1]` initialised N(0, 2/nOut), [BIAS] `[nOut]` initialised U(-1/sqrt(m), 1/sqrt(m)).
 *
 * DL4J stores this class's fully qualified name in saved models and configuration JSON; do not rename or move
 * it. Every constructor parameter has a default, so the JVM class has the no-argument constructor Jackson
 * needs, and the `var` properties are the bean getters/setters it (de)serialises through. Build instances with
 * named arguments and call [validate] (the plugin does both).
 */
class LbcLayer(
    /** Input channels C. */
    var nIn: Long = 0,
    /** Output channels O (of the 1x1 convolution). */
    var nOut: Long = 0,
    /** Number m of binary filters, i.e. of intermediate maps. */
    var intermediate: Int = 0,
    /** Expected fraction of non-zero binary weights, in (0, 1]. */
    var sparsity: Double = DEFAULT_SPARSITY,
    /** Seed the binary filters are drawn from. */
    var filterSeed: Long = 0,
) : GradFixSameDiffLayer(), ParamKinds {

    companion object {
        /** The fixed binary filter bank, `[m, C, 3, 3]`. */
        const val FILTERS = "filters"

        /** The learnable 1x1 weights, `[O, m, 1, 1]`. */
        const val WEIGHT = "W"

        /** The learnable bias of the 1x1 convolution, `[O]`. */
        const val BIAS = "b"

        /** Kernel size of the binary convolution. */
        const val KERNEL = 3

        const val DEFAULT_SPARSITY = 0.5
    }

    private fun what(): String = "local binary convolution '$layerName'"

    /** Checks the settings; every message names the layer, the value and the rule. */
    fun validate() {
        if (nIn < 1 || nOut < 1) throw PnnException("${what()}: channel counts must be positive (in=$nIn, out=$nOut)")
        if (intermediate < 1) throw PnnException("${what()}: intermediate=$intermediate must be >= 1")
        if (!(sparsity > 0.0 && sparsity <= 1.0)) {
            throw PnnException("${what()}: sparsity=$sparsity must be in (0, 1] (the fraction of non-zero weights)")
        }
        if (filterValueCount() > Int.MAX_VALUE) {
            throw PnnException("${what()}: $intermediate binary filters over $nIn input channels are " +
                "${filterValueCount()} values, more than one array can hold; lower 'intermediate'")
        }
    }

    /** Number of stored binary filter values, m * C * 3 * 3. */
    fun filterValueCount(): Long = intermediate.toLong() * nIn * KERNEL * KERNEL

    /**
     * The binary filters this layer's seed gives, in `[m, C, 3, 3]` row-major order. For each weight in turn one
     * uniform draw decides whether it is non-zero (probability [sparsity]) and, if it is, a second draw its sign.
     */
    fun drawFilters(): DoubleArray {
        val rng = SplittableRandom(filterSeed)
        val v = DoubleArray(Math.toIntExact(filterValueCount()))
        for (i in v.indices) {
            if (rng.nextDouble() < sparsity) v[i] = if (rng.nextBoolean()) 1.0 else -1.0
        }
        return v
    }

    override fun defineLayer(sd: SameDiff, input: SDVariable, params: Map<String, SDVariable>,
                             mask: SDVariable?): SDVariable {
        val filters = params.getValue(FILTERS).permute(2, 3, 1, 0) // [3, 3, C, m]
        val binary = sd.cnn().conv2d(input, filters, convConfig(KERNEL, 1))
        val maps = sd.nn().relu(binary, 0.0)
        val w = params.getValue(WEIGHT).permute(2, 3, 1, 0) // [1, 1, m, O]
        return sd.cnn().conv2d(maps, w, params.getValue(BIAS), convConfig(1, 0))
    }

    private fun convConfig(kernel: Int, padding: Int): Conv2DConfig =
        Conv2DConfig.builder().kH(kernel.toLong()).kW(kernel.toLong()).sH(1).sW(1)
            .pH(padding.toLong()).pW(padding.toLong()).dH(1).dW(1)
            .paddingMode(PaddingMode.VALID).dataFormat("NCHW").build()

    override fun defineParameters(params: SDLayerParams) {
        params.addWeightParam(FILTERS, intermediate.toLong(), nIn, KERNEL.toLong(), KERNEL.toLong())
        params.addWeightParam(WEIGHT, nOut, intermediate.toLong(), 1, 1)
        params.addBiasParam(BIAS, nOut)
    }

    override fun initializeParameters(params: MutableMap<String, INDArray>) {
        val w = params.getValue(WEIGHT)
        w.assign(Nd4j.randn(w.dataType(), *w.shape()).muli(Math.sqrt(2.0 / nOut)))
        val bound = 1.0 / Math.sqrt(intermediate.toDouble())
        val b = params.getValue(BIAS)
        b.assign(Nd4j.rand(b.dataType(), *b.shape()).muli(2 * bound).subi(bound))
        val f = params.getValue(FILTERS)
        f.assign(Nd4j.createFromArray(*drawFilters()).reshape(*f.shape()).castTo(f.dataType()))
    }

    override fun kindOf(paramName: String): ParamKind =
        if (paramName == FILTERS) ParamKind.FIXED else ParamKind.TRAINABLE

    override fun getUpdaterByParam(paramName: String): IUpdater? =
        if (paramName == FILTERS) Sgd(0.0) else super.getUpdaterByParam(paramName)

    override fun getRegularizationByParam(paramName: String): List<Regularization>? =
        if (paramName == FILTERS) emptyList() else super.getRegularizationByParam(paramName)

    override fun validateInput(input: INDArray) {
        if (input.rank() != 4 || input.size(1) != nIn) {
            throw PnnException("${what()} was built for inputs of shape [N, $nIn, H, W] (its binary filters have " +
                "$nIn input channels) but got ${input.shape().contentToString()}")
        }
    }

    override fun getOutputType(layerIndex: Int, inputType: InputType): InputType {
        val in4 = ConvShapes.requireCnn(inputType, what())
        return InputType.convolutional(in4.height, in4.width, nOut)
    }

    override fun setNIn(inputType: InputType, override: Boolean) {
        val in4 = ConvShapes.requireCnn(inputType, what())
        if (in4.channels != nIn) {
            throw PnnException("${what()} has binary filters for $nIn input channels but is placed after a layer " +
                "giving ${in4.channels}; the filters are fixed to one channel count")
        }
    }

    override fun getPreProcessorForInputType(inputType: InputType): InputPreProcessor? =
        InputTypeUtil.getPreProcessorForInputTypeCnnLayers(inputType, layerName)

    override fun equals(other: Any?): Boolean {
        if (this === other) return true
        if (other !is LbcLayer || !super.equals(other)) return false
        return nIn == other.nIn && nOut == other.nOut && intermediate == other.intermediate &&
            sparsity.compareTo(other.sparsity) == 0 && filterSeed == other.filterSeed
    }

    override fun hashCode(): Int = Objects.hash(super.hashCode(), nIn, nOut, intermediate, sparsity, filterSeed)
}
