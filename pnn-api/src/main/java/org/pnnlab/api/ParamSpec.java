package org.pnnlab.api;

import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One parameter of a layer plugin: name, type, default, allowed range or choices, and documentation.
 * Create with the static factories; {@link #parse(Object)} turns a raw value (a string from the command
 * line, or an already typed value) into the canonical type, or fails with a message naming the rule.
 */
public record ParamSpec(String name, ParamType type, Object defaultValue,
                        @Nullable Double min, @Nullable Double max, List<String> choices, String doc) {

    public ParamSpec {
        choices = List.copyOf(choices);
        if (name.isBlank()) throw new IllegalArgumentException("parameter name is blank");
    }

    public static ParamSpec intParam(String name, int defaultValue, int min, int max, String doc) {
        return new ParamSpec(name, ParamType.INT, defaultValue, (double) min, (double) max, List.of(), doc);
    }

    public static ParamSpec doubleParam(String name, double defaultValue, double min, double max, String doc) {
        return new ParamSpec(name, ParamType.DOUBLE, defaultValue, min, max, List.of(), doc);
    }

    public static ParamSpec boolParam(String name, boolean defaultValue, String doc) {
        return new ParamSpec(name, ParamType.BOOLEAN, defaultValue, null, null, List.of(), doc);
    }

    public static ParamSpec choiceParam(String name, String defaultValue, List<String> choices, String doc) {
        if (!choices.contains(defaultValue)) {
            throw new IllegalArgumentException("default '" + defaultValue + "' of " + name + " is not one of " + choices);
        }
        return new ParamSpec(name, ParamType.CHOICE, defaultValue, null, null, choices, doc);
    }

    /** Human-readable allowed values, e.g. {@code [1, 1024]} or {@code relu|tanh}. */
    public String allowed() {
        return switch (type) {
            case INT -> "[" + fmt(min) + ", " + fmt(max) + "]";
            case DOUBLE -> "[" + fmt(min) + ", " + fmt(max) + "]";
            case BOOLEAN -> "true|false";
            case CHOICE -> String.join("|", choices);
        };
    }

    private static String fmt(@Nullable Double d) {
        if (d == null) return "";
        if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString(d.longValue());
        return d.toString();
    }

    /**
     * Validates and converts a raw value.
     * @param owner the plugin id, used in error messages
     */
    public Object parse(String owner, Object raw) {
        String text = raw.toString().trim();
        String where = "layer '" + owner + "', parameter '" + name + "'";
        switch (type) {
            case INT -> {
                long v;
                if (raw instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
                    v = n.longValue();
                } else {
                    try {
                        v = Long.parseLong(text);
                    } catch (NumberFormatException e) {
                        throw new PnnException(where + ": '" + text + "' is not a whole number (allowed " + allowed() + ")");
                    }
                }
                checkRange(where, v);
                return (int) v;
            }
            case DOUBLE -> {
                double v;
                if (raw instanceof Number n) {
                    v = n.doubleValue();
                } else {
                    try {
                        v = Double.parseDouble(text);
                    } catch (NumberFormatException e) {
                        throw new PnnException(where + ": '" + text + "' is not a number (allowed " + allowed() + ")");
                    }
                }
                if (Double.isNaN(v)) throw new PnnException(where + ": NaN is not allowed");
                checkRange(where, v);
                return v;
            }
            case BOOLEAN -> {
                if (raw instanceof Boolean b) return b;
                String t = text.toLowerCase(Locale.ROOT);
                if (t.equals("true") || t.equals("yes") || t.equals("1")) return true;
                if (t.equals("false") || t.equals("no") || t.equals("0")) return false;
                throw new PnnException(where + ": '" + text + "' is not a boolean (use true or false)");
            }
            case CHOICE -> {
                if (!choices.contains(text)) {
                    throw new PnnException(where + ": '" + text + "' is not one of " + String.join(", ", choices));
                }
                return text;
            }
        }
        throw new AssertionError(type);
    }

    private void checkRange(String where, double v) {
        if ((min != null && v < min) || (max != null && v > max)) {
            throw new PnnException(where + ": " + fmt(v) + " is outside the allowed range " + allowed());
        }
    }

    @Override
    public String toString() {
        return name + " (" + type.name().toLowerCase(Locale.ROOT) + ", default " + defaultValue + ", " + allowed() + "): " + doc;
    }
}
