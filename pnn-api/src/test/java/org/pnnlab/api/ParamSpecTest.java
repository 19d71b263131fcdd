package org.pnnlab.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParamSpecTest {
    static final List<ParamSpec> SPECS = List.of(
            ParamSpec.intParam("n", 2, 1, 8, "count"),
            ParamSpec.doubleParam("level", 0.5, 0, 1, "level"),
            ParamSpec.boolParam("flag", false, "a flag"),
            ParamSpec.choiceParam("act", "relu", List.of("relu", "tanh"), "activation"));

    @Test
    void defaultsAndParsing() {
        LayerParams p = LayerParams.validate("x", SPECS, Map.of("n", "4", "level", 0.25, "flag", "true"));
        assertEquals(4, p.getInt("n"));
        assertEquals(0.25, p.getDouble("level"));
        assertTrue(p.getBoolean("flag"));
        assertEquals("relu", p.getString("act"));
        assertEquals(List.of("n", "level", "flag", "act"), List.copyOf(p.asMap().keySet()));
    }

    @Test
    void errorsNameTheParameterTheValueAndTheRule() {
        PnnException e = assertThrows(PnnException.class, () -> LayerParams.validate("x", SPECS, Map.of("n", "9")));
        assertTrue(e.getMessage().contains("'n'") && e.getMessage().contains("9") && e.getMessage().contains("[1, 8]"), e.getMessage());
        e = assertThrows(PnnException.class, () -> LayerParams.validate("x", SPECS, Map.of("n", "2.5")));
        assertTrue(e.getMessage().contains("whole number"), e.getMessage());
        e = assertThrows(PnnException.class, () -> LayerParams.validate("x", SPECS, Map.of("act", "gelu")));
        assertTrue(e.getMessage().contains("relu, tanh"), e.getMessage());
        e = assertThrows(PnnException.class, () -> LayerParams.validate("x", SPECS, Map.of("flag", "maybe")));
        assertTrue(e.getMessage().contains("true or false"), e.getMessage());
        e = assertThrows(PnnException.class, () -> LayerParams.validate("x", SPECS, Map.of("lvl", "1")));
        assertTrue(e.getMessage().contains("lvl") && e.getMessage().contains("level"), e.getMessage());
        e = assertThrows(PnnException.class, () -> LayerParams.validate("x", SPECS, Map.of("level", "NaN")));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
    }
}
