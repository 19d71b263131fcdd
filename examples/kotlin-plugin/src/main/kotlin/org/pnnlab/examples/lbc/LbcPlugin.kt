package org.pnnlab.examples.lbc

import org.pnnlab.api.LayerBlock
import org.pnnlab.api.LayerContext
import org.pnnlab.api.LayerParams
import org.pnnlab.api.LayerPlugin
import org.pnnlab.api.ParamSpec
import org.pnnlab.api.PnnException
import org.pnnlab.layers.dl4j.Activations
import org.pnnlab.layers.dl4j.BatchNorm

/**
 * `lbc`: a local binary convolution slot (LBCNN, CVPR'17, the perturbation network's predecessor): fixed
 * sparse binary 3x3 filters, ReLU, a learnable 1x1 convolution with bias ([LbcLayer], named `<slot>_lbc`),
 * then batch norm + the slot's activation (`<slot>_bn`), so the slot ends like the `conv` and `perturbation`
 * slots. The output keeps the input's height and width.
 *
 * Parameters:
 * - `sparsity` (0.5, in [0.01, 1]): expected fraction of non-zero binary weights;
 * - `intermediate` (0, in [0, 4096]): number m of binary filters; 0 chooses `max(4 * in channels, out channels)`,
 *   so every input channel feeds four binary maps on average and the 1x1 combination is never narrower than
 *   its output (its rank is at most m);
 * - `act` (relu): activation at the end of the slot.
 *
 * The binary filters are drawn from the slot's seed ([LayerContext.seed]), so a model seed fixes them.
 */
class LbcPlugin : LayerPlugin {
    companion object {
        const val ID = "lbc"

        /** Upper bound of the `intermediate` parameter. */
        const val MAX_INTERMEDIATE = 4096

        private val PARAMS: List<ParamSpec> = listOf(
            ParamSpec.doubleParam("sparsity", LbcLayer.DEFAULT_SPARSITY, 0.01, 1.0,
                "expected fraction of non-zero (+1/-1) weights in the fixed binary filters"),
            ParamSpec.intParam("intermediate", 0, 0, MAX_INTERMEDIATE,
                "number of binary filters (intermediate maps); 0 = max(4 x input channels, output channels)"),
            ParamSpec.choiceParam("act", "relu", Activations.NAMES, "activation at the end of the slot"),
        )

        /** The number of binary filters `intermediate = 0` stands for. */
        fun autoIntermediate(inChannels: Int, outChannels: Int): Int = maxOf(4 * inChannels, outChannels)
    }

    override fun id(): String = ID

    override fun description(): String =
        "local binary convolution (LBCNN): fixed sparse +-1 3x3 filters + ReLU + learnable 1x1 + batch norm + activation"

    override fun parameters(): List<ParamSpec> = PARAMS

    override fun create(params: LayerParams, context: LayerContext): LayerBlock {
        val slot = context.slotName()
        val inC = context.inChannels()
        val outC = context.outChannels()
        val given = params.getInt("intermediate")
        val m = if (given == 0) autoIntermediate(inC, outC) else given
        val values = m.toLong() * inC * LbcLayer.KERNEL * LbcLayer.KERNEL
        if (values > Int.MAX_VALUE) {
            throw PnnException("slot '$slot': $m binary filters over $inC input channels would be $values values, " +
                "more than one array can hold; set a smaller 'intermediate'")
        }
        val lbc = LbcLayer(nIn = inC.toLong(), nOut = outC.toLong(), intermediate = m,
            sparsity = params.getDouble("sparsity"), filterSeed = context.seed())
        lbc.layerName = "${slot}_lbc"
        try {
            lbc.validate()
        } catch (e: PnnException) {
            throw PnnException("slot '$slot': ${e.message}", e)
        }
        val bn = BatchNorm.of("${slot}_bn", outC.toLong(), Activations.dl4j(params.getString("act")))
        return LayerBlock.of(lbc, bn)
    }
}
