package org.pnnlab.api;

/**
 * Where a layer goes in a model: its input shape (channels, height, width), the number of output channels
 * the model wants, a seed for anything fixed the layer draws (noise masks, binary filters), and the slot's
 * name (unique inside the model, used to name the DL4J layers).
 */
public record LayerContext(String slotName, int inChannels, int outChannels, int height, int width, long seed) {
    public LayerContext {
        if (inChannels <= 0 || outChannels <= 0) {
            throw new PnnException("slot '" + slotName + "': channel counts must be positive (in=" + inChannels
                    + ", out=" + outChannels + ")");
        }
        if (height <= 0 || width <= 0) {
            throw new PnnException("slot '" + slotName + "': input must be at least 1x1, got " + height + "x" + width);
        }
    }

    public static LayerContext of(String slotName, int inChannels, int outChannels, int height, int width, long seed) {
        return new LayerContext(slotName, inChannels, outChannels, height, width, seed);
    }
}
