package org.pnnlab.examples.lbc

import org.deeplearning4j.nn.conf.inputs.InputType
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertInstanceOf
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.nd4j.linalg.activations.impl.ActivationReLU
import org.nd4j.linalg.activations.impl.ActivationTanH
import org.nd4j.linalg.api.buffer.DataType
import org.nd4j.linalg.factory.Nd4j
import org.nd4j.linalg.learning.config.Adam
import org.pnnlab.api.LayerContext
import org.pnnlab.api.LayerRegistry
import org.pnnlab.api.PnnException
import org.pnnlab.examples.lbc.LbcTesting.userError
import org.pnnlab.layers.dl4j.BatchNorm
import org.pnnlab.layers.testing.LayerContracts

class LbcPluginTest {

    @Test
    fun `the registry finds lbc alongside conv and perturbation`() {
        val registry = LayerRegistry.load()
        assertTrue(registry.ids().containsAll(listOf("lbc", "conv", "perturbation")), registry.ids().toString())
        val p = registry.get("lbc")
        assertInstanceOf(LbcPlugin::class.java, p)
        assertTrue(p.description().isNotBlank() && !p.description().contains('\n'))
    }

    @Test
    fun `parameters have the documented defaults and ranges`() {
        val specs = LbcPlugin().parameters().associateBy { it.name() }
        assertEquals(listOf("sparsity", "intermediate", "act"), specs.keys.toList())
        assertEquals(0.5, specs.getValue("sparsity").defaultValue())
        assertEquals("[0.01, 1]", specs.getValue("sparsity").allowed())
        assertEquals(0, specs.getValue("intermediate").defaultValue())
        assertEquals("[0, 4096]", specs.getValue("intermediate").allowed())
        assertEquals("relu", specs.getValue("act").defaultValue())
        assertEquals(mapOf("sparsity" to 0.5, "intermediate" to 0, "act" to "relu"), LbcPlugin().params(emptyMap<String, Any>()).asMap())
    }

    @Test
    fun `create names the layers after the slot and resolves intermediate`() {
        val layers = LbcPlugin().create(emptyMap<String, Any>(), LayerContext.of("slot2", 8, 16, 7, 7, 5)).layers()
        assertEquals(listOf("slot2_lbc", "slot2_bn"), layers.map { it.layerName })
        val lbc = layers[0] as LbcLayer
        assertEquals(8L, lbc.nIn)
        assertEquals(16L, lbc.nOut)
        assertEquals(32, lbc.intermediate) // max(4 * 8, 16)
        assertEquals(0.5, lbc.sparsity)
        assertEquals(5L, lbc.filterSeed)
        val bn = layers[1] as BatchNorm
        assertEquals(16L, bn.nOut)
        assertInstanceOf(ActivationReLU::class.java, bn.activationFn)

        // a narrow input: the 1x1 combination is not narrower than its output
        assertEquals(64, (LbcPlugin().create(emptyMap<String, Any>(), LayerContext.of("a", 1, 64, 28, 28, 1)).layers()[0] as LbcLayer).intermediate)
        val custom = LbcPlugin().create(mapOf("intermediate" to "5", "sparsity" to "0.25", "act" to "tanh"),
            LayerContext.of("a", 3, 6, 2, 2, 1)).layers()
        assertEquals(5, (custom[0] as LbcLayer).intermediate)
        assertEquals(0.25, (custom[0] as LbcLayer).sparsity)
        assertInstanceOf(ActivationTanH::class.java, (custom[1] as BatchNorm).activationFn)
    }

    @Test
    fun `the output keeps the input size, even below 3x3`() {
        val layers = LbcPlugin().create(mapOf("intermediate" to 3), LayerContext.of("tiny", 2, 4, 1, 2, 1)).layers()
        val out = layers[0].getOutputType(0, InputType.convolutional(1, 2, 2)) as InputType.InputTypeConvolutional
        assertEquals(listOf(4L, 1L, 2L), listOf(out.channels, out.height, out.width))
        val net = LayerContracts.network(layers, InputType.convolutional(1, 2, 2), 3, Adam(1e-2), 1)
        val y = net.output(Nd4j.rand(DataType.DOUBLE, 3, 2, 1, 2))
        assertEquals(listOf(3L, 3L), y.shape().toList())
    }

    @Test
    fun `bad values are rejected naming the parameter, the slot or the rule`() {
        val p = LbcPlugin()
        val ctx = LayerContext.of("layer7", 3, 6, 8, 8, 1)
        var e = assertThrows(PnnException::class.java) { p.create(mapOf("sparsity" to 0.0), ctx) }
        assertTrue(e.message!!.contains("sparsity") && e.message!!.contains("range"), e.message)
        e = assertThrows(PnnException::class.java) { p.create(mapOf("sparsity" to 1.5), ctx) }
        assertTrue(e.message!!.contains("sparsity"), e.message)
        e = assertThrows(PnnException::class.java) { p.create(mapOf("intermediate" to 5000), ctx) }
        assertTrue(e.message!!.contains("intermediate") && e.message!!.contains("4096"), e.message)
        e = assertThrows(PnnException::class.java) { p.create(mapOf("act" to "swish"), ctx) }
        assertTrue(e.message!!.contains("swish") && e.message!!.contains("relu"), e.message)
        e = assertThrows(PnnException::class.java) { p.create(mapOf("sparsty" to 0.3), ctx) }
        assertTrue(e.message!!.contains("sparsity"), e.message)
        // more binary weights than an array can hold (nothing is allocated before the check)
        e = assertThrows(PnnException::class.java) {
            p.create(mapOf("intermediate" to 4096), LayerContext.of("huge", 60_000, 8, 4, 4, 1))
        }
        assertTrue(e.message!!.contains("'huge'") && e.message!!.contains("intermediate"), e.message)
        // the API rejects empty channel counts, naming the slot
        e = assertThrows(PnnException::class.java) { p.create(emptyMap<String, Any>(), LayerContext.of("zero", 0, 8, 4, 4, 1)) }
        assertTrue(e.message!!.contains("'zero'"), e.message)
    }

    @Test
    fun `a layer placed after the wrong number of channels is rejected`() {
        // built for 3 input channels, placed on a 2-channel input
        val layers = LbcPlugin().create(emptyMap<String, Any>(), LayerContext.of("s3", 3, 4, 5, 5, 1)).layers()
        val e = assertThrows(Exception::class.java) { LayerContracts.network(layers, LbcTesting.IN, 3, Adam(1e-2), 1) }
        val cause = userError(e)
        assertTrue(cause is PnnException && cause.message!!.contains("s3_lbc") && cause.message!!.contains("3 input channels"),
            cause.toString())

        // and at run time, an input with other channels than the network was built for
        val net = LayerContracts.network(LbcTesting.block(), LbcTesting.IN, 3, Adam(1e-2), 1)
        val run = assertThrows(Exception::class.java) { net.output(Nd4j.rand(DataType.DOUBLE, 2, 3, 5, 5)) }
        val runCause = userError(run)
        assertTrue(runCause is PnnException && runCause.message!!.contains("[N, 2, H, W]"), runCause.toString())
    }
}
