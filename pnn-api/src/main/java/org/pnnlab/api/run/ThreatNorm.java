package org.pnnlab.api.run;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import org.pnnlab.api.PnnException;

/** The norm that bounds an adversarial perturbation: every pixel within eps (L∞), or the whole image's L2 length. */
public enum ThreatNorm {
    LINF("Linf"),
    L2("L2");

    private final String label;

    ThreatNorm(String label) {
        this.label = label;
    }

    /** As written in configurations, records and on the command line: {@code Linf} or {@code L2}. */
    @JsonValue
    public String label() {
        return label;
    }

    /** The norm named {@code text} (case-insensitive); anything else fails with one line listing the choices. */
    @JsonCreator
    public static ThreatNorm parse(String text) {
        for (ThreatNorm n : values()) {
            if (n.label.toLowerCase(Locale.ROOT).equals(text.trim().toLowerCase(Locale.ROOT))) return n;
        }
        throw new PnnException("the threat norm must be one of " + Arrays.stream(values()).map(ThreatNorm::label).toList()
                + ", got '" + text + "'");
    }

    @Override
    public String toString() {
        return label;
    }
}
