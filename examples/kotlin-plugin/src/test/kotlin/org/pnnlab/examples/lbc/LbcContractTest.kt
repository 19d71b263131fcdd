package org.pnnlab.examples.lbc

import java.io.File
import java.util.stream.Stream
import org.deeplearning4j.nn.conf.MultiLayerConfiguration
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.Arguments
import org.junit.jupiter.params.provider.MethodSource
import org.pnnlab.examples.lbc.LbcTesting.IN
import org.pnnlab.examples.lbc.LbcTesting.block
import org.pnnlab.layers.testing.LayerContracts

/** The checks every layer plugin must pass (pnn-layers-dl4j's test-jar), for a few `lbc` configurations. */
class LbcContractTest {
    companion object {
        @JvmStatic
        fun configs(): Stream<Arguments> = Stream.of(
            Arguments.of(mapOf<String, Any>()),
            Arguments.of(mapOf("intermediate" to 5, "sparsity" to 0.3, "act" to "tanh")),
            Arguments.of(mapOf("intermediate" to 3, "sparsity" to 1.0, "act" to "elu")),
        )
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    fun gradientCheck(params: Map<String, Any>) {
        LayerContracts.gradientCheck(block(params), IN)
    }

    /**
     * The slot's batch norm (training mode) makes the loss independent of the 1x1 bias, so in the block the
     * bias gradient is zero and passes only on the absolute-error floor; alone, the layer's bias is checked too.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    fun gradientCheckOfTheLayerAlone(params: Map<String, Any>) {
        LayerContracts.gradientCheck(listOf(LbcTesting.lbcOf(block(params))), IN)
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    fun jsonRoundTrip(params: Map<String, Any>) {
        val layers = block(params)
        val back: MultiLayerConfiguration = LayerContracts.jsonRoundTrip(layers, IN)
        val restored = back.getConf(0).layer as LbcLayer
        val original = layers[0] as LbcLayer
        assertEquals(original.intermediate, restored.intermediate)
        assertEquals(original.sparsity, restored.sparsity)
        assertEquals(original.filterSeed, restored.filterSeed)
        assertEquals(original.nIn, restored.nIn)
        assertEquals(original.nOut, restored.nOut)
        assertTrue(back.toJson().contains("\"@class\" : \"org.pnnlab.examples.lbc.LbcLayer\""))
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    fun serializerRoundTrip(params: Map<String, Any>, @TempDir dir: File) {
        LayerContracts.serializerRoundTrip(block(params), IN, dir)
    }

    @Test
    fun `equals and hashCode see every setting`() {
        val a = LbcTesting.lbcOf(block())
        assertEquals(a, LbcTesting.lbcOf(block()))
        assertEquals(a.hashCode(), LbcTesting.lbcOf(block()).hashCode())
        assertNotEquals(a, LbcTesting.lbcOf(block(mapOf("sparsity" to 0.4))))
        assertNotEquals(a, LbcTesting.lbcOf(block(mapOf("intermediate" to 7))))
        assertNotEquals(a, LbcTesting.lbcOf(block(seed = 100)))
        val c = a.clone() as LbcLayer
        assertEquals(a, c)
        c.nOut = 5
        assertNotEquals(a, c)
    }
}
