package org.pnnlab.api.run;

import java.math.BigDecimal;
import org.pnnlab.api.PnnException;

/**
 * The range checks of the run configuration's records, each naming the setting by its configuration path and its
 * command-line flag. Every check of a setting is written once, in the record that holds it; this class only
 * formats the message.
 */
final class Checks {
    private Checks() {
    }

    /** Fails unless {@code ok}, with "{@code what} must be {@code rule}, got {@code value}". */
    static void require(boolean ok, String what, String rule, Object value) {
        if (!ok) throw new PnnException(what + " must be " + rule + ", got " + format(value));
    }

    static String format(Object value) {
        if (value instanceof Double d && Double.isFinite(d)) return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        return String.valueOf(value);
    }

    static <T> T nonNull(@org.jspecify.annotations.Nullable T value, String what) {
        if (value == null) throw new PnnException("the run configuration has no '" + what + "'");
        return value;
    }

    static boolean finite(double v) {
        return Double.isFinite(v);
    }
}
