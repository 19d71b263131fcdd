package org.pnnlab.api.run;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Training-time augmentation of the images. */
public enum Augmentation {
    @JsonProperty("none") NONE,
    /** a random crop of the image zero-padded by 4 pixels, then a horizontal flip with p = 0.5 */
    @JsonProperty("crop-flip") CROP_FLIP;

    public String id() {
        return Choices.id(this);
    }

    public static Augmentation parse(String text) {
        return Choices.parse(Augmentation.class, text, "--augmentation");
    }
}
