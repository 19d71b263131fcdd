package org.pnnlab.examples.lbc

import kotlin.math.abs
import kotlin.math.max
import kotlin.math.sqrt
import org.deeplearning4j.nn.conf.inputs.InputType
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.ValueSource
import org.nd4j.linalg.api.buffer.DataType
import org.nd4j.linalg.api.ndarray.INDArray
import org.nd4j.linalg.factory.Nd4j
import org.nd4j.linalg.learning.config.Adam
import org.nd4j.linalg.learning.config.Sgd
import org.pnnlab.api.LayerContext
import org.pnnlab.api.ParamKind
import org.pnnlab.examples.lbc.LbcTesting.IN
import org.pnnlab.examples.lbc.LbcTesting.block
import org.pnnlab.layers.testing.LayerContracts
import org.pnnlab.layers.testing.LayerStack

class LbcFiltersTest {

    /**
     * The filters are ternary, the non-zero fraction is close to `sparsity` and the signs are balanced.
     *
     * Tolerance: each of the n = m*C*9 weights is non-zero independently with probability p, so the non-zero
     * fraction is Binomial(n, p)/n with standard deviation sqrt(p(1-p)/n); for n = 64*16*9 = 9216 that is at
     * most 0.0052. Allowing 5 standard deviations (0.026 at p = 0.5) a correct implementation fails for fewer
     * than one seed in a million, while a wrong rule (e.g. sparsity read as the fraction of zeros, off by
     * |1-2p| >= 0.2 for the values tested) is far outside. The same bound is applied to the share of +1 among
     * the non-zero weights (p = 0.5 there, n = the non-zero count).
     */
    @ParameterizedTest
    @ValueSource(doubles = [0.1, 0.3, 0.5, 0.9, 1.0])
    fun `filters are -1, 0 or +1 with the requested density`(sparsity: Double) {
        val layer = LbcLayer(nIn = 16, nOut = 8, intermediate = 64, sparsity = sparsity, filterSeed = 2024)
        layer.validate()
        val v = layer.drawFilters()
        assertEquals(64 * 16 * 9, v.size)
        assertTrue(v.all { it == -1.0 || it == 0.0 || it == 1.0 }, "a weight outside {-1, 0, +1}")
        val n = v.size.toDouble()
        val nonZero = v.count { it != 0.0 }
        val density = nonZero / n
        val tol = 5 * sqrt(sparsity * (1 - sparsity) / n)
        assertTrue(abs(density - sparsity) <= tol, "non-zero fraction $density vs sparsity $sparsity (tolerance $tol)")
        if (sparsity == 1.0) assertEquals(v.size, nonZero)
        val plus = v.count { it == 1.0 } / nonZero.toDouble()
        assertTrue(abs(plus - 0.5) <= 5 * 0.5 / sqrt(nonZero.toDouble()), "share of +1 among non-zero weights: $plus")
    }

    @Test
    fun `the stored filters are the seed's filters, whatever the network seed`() {
        val layers = block(mapOf("intermediate" to 6))
        val lbc = LbcTesting.lbcOf(layers)
        val a = filtersOf(LayerContracts.network(layers, IN, 3, Adam(1e-2), 1))
        assertArrayEquals(longArrayOf(6, 2, 3, 3), a.shape())
        assertArrayEquals(lbc.drawFilters(), a.dup().reshape(a.length()).toDoubleVector())
        val b = filtersOf(LayerContracts.network(layers, IN, 3, Adam(1e-2), 777))
        assertEquals(a, b, "same filter seed, different network seed: the filters must be the same")
        // the 1x1 weights do follow the network seed
        assertNotEquals(LayerContracts.network(layers, IN, 3, Adam(1e-2), 1).getLayer(0).getParam(LbcLayer.WEIGHT),
            LayerContracts.network(layers, IN, 3, Adam(1e-2), 777).getLayer(0).getParam(LbcLayer.WEIGHT))
        // same slot seed -> same filters; another slot seed -> other filters
        assertArrayEquals(lbc.drawFilters(), LbcTesting.lbcOf(block(mapOf("intermediate" to 6), seed = 99)).drawFilters())
        val other = LbcTesting.lbcOf(block(mapOf("intermediate" to 6), seed = 100)).drawFilters()
        assertFalse(lbc.drawFilters().contentEquals(other), "another seed gave the same filters")
        assertNotEquals(a, filtersOf(LayerContracts.network(block(mapOf("intermediate" to 6), seed = 100), IN, 3, Adam(1e-2), 1)))
    }

    @Test
    fun `training leaves the filters unchanged and trains the 1x1 convolution`() {
        val net = LayerContracts.network(block(), IN, 3, Adam(1e-2), 1)
        val filters = filtersOf(net).dup()
        val w = net.getLayer(0).getParam(LbcLayer.WEIGHT).dup()
        val ds = LayerContracts.randomData(IN, 6, 3, 3)
        repeat(5) { net.fit(ds) }
        assertEquals(filters, filtersOf(net), "binary filters changed in training")
        assertNotEquals(w, net.getLayer(0).getParam(LbcLayer.WEIGHT), "1x1 weights did not train")
        // (the 1x1 bias is not checked: the batch norm that follows in training mode removes any per-channel
        // constant, so its gradient is zero up to rounding and Adam leaves it where it is)
    }

    @Test
    fun `ParamKinds reports the filters as FIXED and they are frozen`() {
        val lbc = LbcTesting.lbcOf(block())
        assertEquals(ParamKind.FIXED, lbc.kindOf(LbcLayer.FILTERS))
        assertEquals(ParamKind.TRAINABLE, lbc.kindOf(LbcLayer.WEIGHT))
        assertEquals(ParamKind.TRAINABLE, lbc.kindOf(LbcLayer.BIAS))
        val net = LayerContracts.network(block(), IN, 3, Adam(1e-2), 1)
        val conf = net.getLayer(0).conf().layer as LbcLayer
        assertEquals(Sgd(0.0), conf.getUpdaterByParam(LbcLayer.FILTERS))
        assertEquals(Adam(1e-2), conf.getUpdaterByParam(LbcLayer.WEIGHT))
        assertTrue(conf.getRegularizationByParam(LbcLayer.FILTERS)!!.isEmpty())
        // parameter table: filters [m, C, 3, 3], W [O, m, 1, 1], b [O] (m = max(4 * 2, 4) = 8)
        val table = net.getLayer(0).paramTable()
        assertEquals(setOf(LbcLayer.FILTERS, LbcLayer.WEIGHT, LbcLayer.BIAS), table.keys)
        assertArrayEquals(longArrayOf(8, 2, 3, 3), table.getValue(LbcLayer.FILTERS).shape())
        assertArrayEquals(longArrayOf(4, 8, 1, 1), table.getValue(LbcLayer.WEIGHT).shape())
        assertEquals(4L, table.getValue(LbcLayer.BIAS).length())
    }

    @Test
    fun `the forward pass matches a plain-loop reference`() {
        val c = 2; val m = 3; val o = 2; val h = 4; val wd = 5; val n = 2
        val layer = LbcPlugin().create(mapOf("intermediate" to m, "sparsity" to 0.6),
            LayerContext.of("ref", c, o, h, wd, 7)).layers()[0]
        val stack = LayerStack(listOf(layer), InputType.convolutional(h.toLong(), wd.toLong(), c.toLong()), 3)
        Nd4j.getRandom().setSeed(5)
        val x = Nd4j.rand(DataType.DOUBLE, n.toLong(), c.toLong(), h.toLong(), wd.toLong()).subi(0.5)
        val y = stack.forward(x, false)
        val f = stack.layer(0).getParam(LbcLayer.FILTERS)
        val w = stack.layer(0).getParam(LbcLayer.WEIGHT)
        val b = stack.layer(0).getParam(LbcLayer.BIAS)
        assertArrayEquals(longArrayOf(n.toLong(), o.toLong(), h.toLong(), wd.toLong()), y.shape())
        var maxDiff = 0.0
        for (s in 0 until n) for (r in 0 until h) for (q in 0 until wd) {
            // binary 3x3 convolution with zero padding 1 (cross-correlation, as in PyTorch), then ReLU
            val maps = DoubleArray(m) { k ->
                var acc = 0.0
                for (ch in 0 until c) for (dy in 0 until 3) for (dx in 0 until 3) {
                    val yy = r + dy - 1
                    val xx = q + dx - 1
                    if (yy in 0 until h && xx in 0 until wd) {
                        acc += f.getDouble(k.toLong(), ch.toLong(), dy.toLong(), dx.toLong()) *
                            x.getDouble(s.toLong(), ch.toLong(), yy.toLong(), xx.toLong())
                    }
                }
                max(acc, 0.0)
            }
            for (out in 0 until o) {
                var z = b.getDouble(out.toLong())
                for (k in 0 until m) z += w.getDouble(out.toLong(), k.toLong(), 0, 0) * maps[k]
                maxDiff = max(maxDiff, abs(z - y.getDouble(s.toLong(), out.toLong(), r.toLong(), q.toLong())))
            }
        }
        assertTrue(maxDiff < 1e-12, "max difference to the reference: $maxDiff")
    }

    private fun filtersOf(net: org.deeplearning4j.nn.multilayer.MultiLayerNetwork): INDArray =
        net.getLayer(0).getParam(LbcLayer.FILTERS)
}
