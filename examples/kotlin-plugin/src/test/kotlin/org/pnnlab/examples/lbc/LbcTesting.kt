package org.pnnlab.examples.lbc

import org.deeplearning4j.nn.conf.inputs.InputType
import org.deeplearning4j.nn.conf.layers.Layer
import org.pnnlab.api.LayerContext

/** Shared fixtures of the lbc tests. */
internal object LbcTesting {
    /** A small image input: 2 channels of 5x5. */
    val IN: InputType.InputTypeConvolutional = InputType.convolutional(5, 5, 2) as InputType.InputTypeConvolutional

    fun context(slot: String = "s", inChannels: Int = 2, outChannels: Int = 4, seed: Long = 99): LayerContext =
        LayerContext.of(slot, inChannels, outChannels, 5, 5, seed)

    /** The `lbc` block for [IN] with 4 output channels. */
    fun block(params: Map<String, Any> = emptyMap(), seed: Long = 99): List<Layer> =
        LbcPlugin().create(params, context(seed = seed)).layers()

    fun lbcOf(layers: List<Layer>): LbcLayer = layers[0] as LbcLayer

    /** Finds the [org.pnnlab.api.PnnException] in a cause chain (DL4J sometimes wraps it). */
    fun userError(t: Throwable): Throwable {
        var c: Throwable = t
        while (c !is org.pnnlab.api.PnnException && c.cause != null) c = c.cause!!
        return c
    }
}
