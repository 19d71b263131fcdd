package org.pnnlab.api.run;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.pnnlab.api.PnnException;

/** Parses the lower-case, dash-separated command-line names of the configuration's enums. */
final class Choices {
    private Choices() {
    }

    static String id(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static <E extends Enum<E>> E parse(Class<E> type, String text, String flag) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (E e : type.getEnumConstants()) {
            if (id(e).equals(t)) return e;
        }
        throw new PnnException(flag + " must be one of " + Arrays.stream(type.getEnumConstants()).map(Choices::id)
                .collect(Collectors.joining(", ")) + ", got '" + text + "'");
    }
}
