package org.pnnlab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class HelpersTest {
    @Test
    void sampleStandardDeviationUsesNMinusOne() {
        Stats s = Stats.of(List.of(2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0));
        assertEquals(8, s.n());
        assertEquals(5.0, s.mean(), 1e-12);
        assertEquals(Math.sqrt(32.0 / 7), s.std(), 1e-12);   // population std would be 2
        Stats one = Stats.of(List.of(0.5));
        assertEquals(1, one.n());
        assertTrue(Double.isNaN(one.std()));
        assertNull(Stats.of(List.of()));
        assertEquals(2, Stats.of(Arrays.asList(1.0, Double.NaN, 3.0, null)).n(), "non-finite values ignored");
    }

    @Test
    void formatting() {
        assertEquals("98.43%", Html.percent(0.9843));
        assertEquals("100.00%", Html.percent(1.0));
        assertEquals("\u2014", Html.percent(null));
        assertEquals("\u2014", Html.percent(Double.NaN));
        assertEquals("1,234,567", Html.thousands(1_234_567));
        assertEquals("0.0 s", Html.duration(0));
        assertEquals("59.4 s", Html.duration(59.4));
        assertEquals("3 min 07 s", Html.duration(187));
        assertEquals("1 h 00 min", Html.duration(3600));
        assertEquals("26 h 40 min", Html.duration(96_000));
        assertEquals("\u2014", Html.duration(-1));
        assertEquals("12.5", Html.num(12.5));
        assertEquals("3", Html.num(3.0));
        assertEquals("0", Html.num(-0.001));
    }

    @Test
    void escapingCoversMarkupQuotesAndControlCharacters() {
        assertEquals("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;", Html.esc("<a href=\"x\" title='y'>&"));
        assertEquals("a\uFFFDb", Html.esc("a\u0000b"));
        assertEquals("", Html.esc(null));
    }

    @Test
    void valueAxisHasRoundTicksInsideZeroToHundred() {
        LineChart.Axis a = LineChart.Axis.forValues(97.2, 98.9);
        assertTrue(a.min <= 97.2 && a.max >= 98.9);
        assertEquals(a.min, a.ticks.get(0), 1e-9);
        assertEquals(a.max, a.ticks.get(a.ticks.size() - 1), 1e-9);
        LineChart.Axis flat = LineChart.Axis.forValues(100, 100);
        assertEquals(100, flat.max, 1e-9);
        assertTrue(flat.min < 100);
        LineChart.Axis wide = LineChart.Axis.forValues(9.8, 99.1);
        assertEquals(0, wide.min, 1e-9);
        assertEquals(100, wide.max, 1e-9);
        assertEquals("20", wide.label(20));
        assertEquals("97.5", LineChart.Axis.forValues(96, 99).label(97.5));
    }

    @Test
    void epochTicksAreIntegersStartingAtOne() {
        assertEquals(List.of(1), LineChart.epochTicks(1));
        assertEquals(List.of(1, 2, 3), LineChart.epochTicks(3));
        assertEquals(List.of(1, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50), LineChart.epochTicks(50));
        assertTrue(LineChart.epochTicks(1000).size() <= 13);
    }

    @Test
    void paletteCyclesWithDifferentDashes() {
        assertEquals(LineChart.color(0), LineChart.color(10));
        assertTrue(LineChart.dash(0).isEmpty());
        assertTrue(!LineChart.dash(10).isEmpty());
    }
}
