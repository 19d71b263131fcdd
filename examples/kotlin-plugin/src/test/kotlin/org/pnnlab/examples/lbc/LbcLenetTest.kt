package org.pnnlab.examples.lbc

import org.deeplearning4j.nn.conf.NeuralNetConfiguration
import org.deeplearning4j.nn.graph.ComputationGraph
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.nd4j.linalg.api.buffer.DataType
import org.nd4j.linalg.dataset.DataSet
import org.nd4j.linalg.factory.Nd4j
import org.nd4j.linalg.learning.config.Adam
import org.pnnlab.api.LayerRegistry
import org.pnnlab.models.ModelRegistry
import org.pnnlab.models.ModelSpec
import org.pnnlab.models.ParamCounts

/** `lbc` inside a model built from plugin ids: lenet on 1x28x28, first slot conv, the other two lbc. */
class LbcLenetTest {

    private fun lenet(): ComputationGraph {
        val spec = ModelSpec.of("lenet", 1, 28, 28, "conv", "lbc").withOptions(mapOf("nfilters" to 8))
        val conf = ModelRegistry.load().get("lenet").build(spec, LayerRegistry.load(),
            NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT).updater(Adam(1e-3)))
        return ComputationGraph(conf).also { it.init() }
    }

    @Test
    fun `a conv-then-lbc lenet has the expected parameter counts and trains`() {
        val net = lenet()
        for (name in listOf("slot1_conv", "slot2_lbc", "slot2_bn", "slot3_lbc", "slot3_bn")) {
            assertNotNull(net.getLayer(name), "no layer $name")
        }
        // slots 2 and 3: C = 8 in, O = 8 out, m = max(4 * 8, 8) = 32 binary filters of 8x3x3 each
        val m = 32L
        val counts = ParamCounts.of(net)
        assertEquals(2 * m * 8 * 3 * 3, counts.fixed())
        // trainable: slot1 conv 8*1*9 + bn 2*8; each lbc slot 1x1 8*32 + bias 8 + bn 2*8;
        // 28 -> 14 -> 7 -> 4 after the pools, so linear1 (8*4*4)*128 + 128, bn1 2*128, logits 128*10 + 10
        val trainable = (8 * 9 + 16) + 2 * (8 * m + 8 + 16) + (128 * 128 + 128) + 256 + (128 * 10 + 10)
        assertEquals(trainable, counts.trainable())
        assertEquals(3 * 16L + 256, counts.statistics())

        val filters2 = net.getLayer("slot2_lbc").getParam(LbcLayer.FILTERS).dup()
        val w2 = net.getLayer("slot2_lbc").getParam(LbcLayer.WEIGHT).dup()
        assertEquals(DataType.FLOAT, filters2.dataType())
        Nd4j.getRandom().setSeed(11)
        val x = Nd4j.rand(DataType.FLOAT, 16, 1, 28, 28)
        val y = Nd4j.zeros(DataType.FLOAT, 16, 10)
        for (i in 0 until 16) y.putScalar(i.toLong(), (i % 10).toLong(), 1.0)
        val ds = DataSet(x, y)
        val losses = (1..3).map { net.fit(ds); net.score() }
        assertTrue(losses.all { it.isFinite() }, "losses: $losses")
        assertEquals(filters2, net.getLayer("slot2_lbc").getParam(LbcLayer.FILTERS), "binary filters changed")
        assertNotEquals(w2, net.getLayer("slot2_lbc").getParam(LbcLayer.WEIGHT), "1x1 weights did not train")
        val out = net.outputSingle(x)
        assertArrayEquals(longArrayOf(16, 10), out.shape())
        assertTrue(out.isMatrix && !out.isNaN.any() && !out.isInfinite.any())
    }
}
