package org.pnnlab.report;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Escaping and number formatting shared by the report and its charts. */
final class Html {
    /** Shown where a value is missing. */
    static final String DASH = "\u2014";

    private Html() {
    }

    /**
     * Escapes text for use both between tags and inside quoted attribute values. Control characters that
     * HTML does not allow are replaced by U+FFFD. Null becomes the empty string.
     */
    static String esc(@Nullable Object value) {
        if (value == null) {
            return "";
        }
        String s = value.toString();
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f) {
                        out.append('\uFFFD');
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** Escaped text, or a dash for null or blank. */
    static String escOrDash(@Nullable Object value) {
        if (value == null || value.toString().isBlank()) {
            return DASH;
        }
        return esc(value);
    }

    /** A fraction in [0, 1] as a percentage with two decimals, e.g. {@code 98.43%}; a dash if not finite. */
    static String percent(@Nullable Double fraction) {
        if (fraction == null || !Double.isFinite(fraction)) {
            return DASH;
        }
        return String.format(Locale.ROOT, "%.2f%%", fraction * 100);
    }

    /** A number of percentage points with two decimals, without unit. */
    static String points(double fraction) {
        return String.format(Locale.ROOT, "%.2f", fraction * 100);
    }

    /** An integer with thousands separators: {@code 1,234,567}. */
    static String thousands(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** A duration such as {@code 42.3 s}, {@code 3 min 07 s} or {@code 2 h 05 min}; a dash if unknown. */
    static String duration(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            return DASH;
        }
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        long total = Math.round(seconds);
        if (total < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", total / 60, total % 60);
        }
        long minutes = Math.round(seconds / 60);
        return String.format(Locale.ROOT, "%d h %02d min", minutes / 60, minutes % 60);
    }

    /** A plain number for attributes and SVG coordinates: dot decimal, no exponent, trimmed. */
    static String num(double v) {
        String s = String.format(Locale.ROOT, "%.2f", v);
        if (s.indexOf('.') >= 0) {
            s = s.replaceAll("0+$", "");
            if (s.endsWith(".")) {
                s = s.substring(0, s.length() - 1);
            }
        }
        return s.equals("-0") ? "0" : s;
    }
}
