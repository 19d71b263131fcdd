package org.pnnlab.report;

import static org.pnnlab.report.Html.esc;
import static org.pnnlab.report.Html.num;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An inline SVG line chart of per-epoch values: axes, tick labels, gridlines, one polyline (with point
 * markers) per series and a legend inside the SVG. Needs no script and no external resource.
 */
final class LineChart {
    /** A fixed palette (Tableau 10); after ten series the colours repeat with a different dash pattern. */
    private static final String[] PALETTE = {
        "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
        "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
    };
    private static final String[] DASHES = {"", "7 4", "2 3", "9 3 2 3"};

    private static final int WIDTH = 960;
    private static final int LEFT = 70;
    private static final int RIGHT = 24;
    private static final int TOP = 44;
    private static final int PLOT_HEIGHT = 340;
    private static final int LEGEND_ROW = 20;
    /** Horizontal room of one legend character at the legend's font size (a generous average). */
    private static final double LEGEND_CHAR_WIDTH = 7.2;
    private static final int LEGEND_SWATCH = 36;
    /** Above this many points a series is drawn without markers, to keep the file small and the lines clear. */
    private static final int MAX_MARKERS = 60;

    /**
     * One point of a series: its position on the horizontal axis (the epoch, or a condition's value), the value in
     * percent and, for a mean, the half-width of the band drawn around it (NaN: no band).
     */
    record Point(double x, double value, double band) {
        /** A point of a learning curve without band. */
        Point(int epoch, double value) {
            this(epoch, value, Double.NaN);
        }
    }

    /**
     * The horizontal axis: its label, tick positions and their labels. {@link #EPOCHS} is the learning curves' axis.
     */
    record XAxis(String label, @org.jspecify.annotations.Nullable List<Double> ticks,
                 java.util.function.DoubleFunction<String> tickLabel, String pointName) {
        static final XAxis EPOCHS = new XAxis("Epoch", null, v -> Integer.toString((int) Math.round(v)), "epoch ");
    }

    /** One line of the chart. */
    record Series(String label, int styleIndex, List<Point> points) {
        Series {
            points = List.copyOf(points);
        }
    }

    private LineChart() {
    }

    static String color(int styleIndex) {
        return PALETTE[Math.floorMod(styleIndex, PALETTE.length)];
    }

    static String dash(int styleIndex) {
        return DASHES[Math.floorMod(styleIndex / PALETTE.length, DASHES.length)];
    }

    /**
     * Renders the chart. Non-finite values are left out; a series without points gets a legend entry
     * marked "no data" but no line.
     *
     * @param title shown at the top of the chart
     * @param yLabel label of the value axis (values are percentages)
     */
    static String render(String title, String yLabel, List<Series> series) {
        return render(title, yLabel, series, XAxis.EPOCHS);
    }

    /**
     * Renders the chart over {@code xAxis}; points with a finite band get a shaded band of &plusmn; band around the
     * line.
     */
    static String render(String title, String yLabel, List<Series> series, XAxis xAxis) {
        List<Series> clean = new ArrayList<>();
        int maxEpoch = 1;
        double minX = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            List<Point> pts = new ArrayList<>();
            for (Point p : s.points()) {
                if (Double.isFinite(p.value())) {
                    pts.add(p);
                    maxEpoch = Math.max(maxEpoch, (int) Math.ceil(p.x()));
                    minX = Math.min(minX, p.x());
                    maxX = Math.max(maxX, p.x());
                    double band = Double.isFinite(p.band()) ? p.band() : 0;
                    lo = Math.min(lo, p.value() - band);
                    hi = Math.max(hi, p.value() + band);
                }
            }
            clean.add(new Series(s.label(), s.styleIndex(), pts));
        }
        if (lo > hi) {
            lo = 0;
            hi = 100;
        }
        Axis y = Axis.forValues(lo, hi);
        double xMin;
        double xMax;
        List<Double> xTicks;
        if (xAxis.ticks() != null) {
            xTicks = xAxis.ticks();
            double a = Math.min(minX, xTicks.stream().mapToDouble(Double::doubleValue).min().orElse(0));
            double z = Math.max(maxX, xTicks.stream().mapToDouble(Double::doubleValue).max().orElse(1));
            if (!(z > a)) {
                a = a - 1;
                z = z + 1;
            }
            double pad = (z - a) * 0.04;
            xMin = a - pad;
            xMax = z + pad;
        } else if (maxEpoch <= 1) {
            xMin = 0;
            xMax = 2;
            xTicks = epochTicks(maxEpoch).stream().map(Integer::doubleValue).toList();
        } else {
            xMin = 1;
            xMax = maxEpoch;
            xTicks = epochTicks(maxEpoch).stream().map(Integer::doubleValue).toList();
        }
        int plotRight = WIDTH - RIGHT;
        int plotBottom = TOP + PLOT_HEIGHT;
        double plotWidth = plotRight - LEFT;
        java.util.function.DoubleUnaryOperator sx = v -> LEFT + (v - xMin) / (xMax - xMin) * plotWidth;
        java.util.function.DoubleUnaryOperator sy = v -> plotBottom - (v - y.min) / (y.max - y.min) * PLOT_HEIGHT;

        int longest = 0;
        for (Series s : clean) {
            longest = Math.max(longest, s.label().length() + (s.points().isEmpty() ? 10 : 0));
        }
        int columns = 3;
        while (columns > 1 && (plotWidth / columns - LEGEND_SWATCH) / LEGEND_CHAR_WIDTH < longest) {
            columns--;
        }
        double colWidth = plotWidth / columns;
        int maxChars = Math.max(8, (int) ((colWidth - LEGEND_SWATCH - 8) / LEGEND_CHAR_WIDTH));
        int legendTop = plotBottom + 68;
        int rows = (clean.size() + columns - 1) / columns;
        int height = legendTop + Math.max(rows, 1) * LEGEND_ROW + 8;

        StringBuilder b = new StringBuilder(4096);
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" font-family=\"system-ui, sans-serif\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(height).append("\" role=\"img\" aria-label=\"").append(esc(title)).append("\">\n");
        b.append("<title>").append(esc(title)).append("</title>\n");
        b.append("<text class=\"chart-title\" font-size=\"16\" font-weight=\"600\" fill=\"#1d232b\" x=\"").append(LEFT).append("\" y=\"24\">").append(esc(title))
                .append("</text>\n");

        // gridlines and tick labels
        b.append("<g class=\"grid\" stroke=\"#e3e7ec\" stroke-width=\"1\">\n");
        for (double t : y.ticks) {
            String yy = num(sy.applyAsDouble(t));
            b.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(plotRight).append("\" y1=\"").append(yy)
                    .append("\" y2=\"").append(yy).append("\"/>\n");
        }
        for (double t : xTicks) {
            String xx = num(sx.applyAsDouble(t));
            b.append("<line class=\"v\" x1=\"").append(xx).append("\" x2=\"").append(xx).append("\" y1=\"")
                    .append(TOP).append("\" y2=\"").append(plotBottom).append("\"/>\n");
        }
        b.append("</g>\n<g class=\"ticks\" font-size=\"12\" fill=\"#5d6773\">\n");
        for (double t : y.ticks) {
            b.append("<text x=\"").append(LEFT - 8).append("\" y=\"").append(num(sy.applyAsDouble(t) + 4))
                    .append("\" text-anchor=\"end\">").append(y.label(t)).append("</text>\n");
        }
        for (double t : xTicks) {
            b.append("<text x=\"").append(num(sx.applyAsDouble(t))).append("\" y=\"").append(plotBottom + 18)
                    .append("\" text-anchor=\"middle\">").append(esc(xAxis.tickLabel().apply(t))).append("</text>\n");
        }
        b.append("</g>\n");

        // axes and their labels
        b.append("<g class=\"axis\" stroke=\"#56606b\" stroke-width=\"1.2\"><line x1=\"").append(LEFT).append("\" x2=\"").append(LEFT).append("\" y1=\"")
                .append(TOP).append("\" y2=\"").append(plotBottom).append("\"/><line x1=\"").append(LEFT)
                .append("\" x2=\"").append(plotRight).append("\" y1=\"").append(plotBottom).append("\" y2=\"")
                .append(plotBottom).append("\"/></g>\n");
        b.append("<text class=\"axis-label\" font-size=\"13\" x=\"").append(num(LEFT + plotWidth / 2)).append("\" y=\"")
                .append(plotBottom + 38).append("\" text-anchor=\"middle\">").append(esc(xAxis.label())).append("</text>\n");
        double yMid = TOP + PLOT_HEIGHT / 2.0;
        b.append("<text class=\"axis-label\" font-size=\"13\" x=\"18\" y=\"").append(num(yMid))
                .append("\" text-anchor=\"middle\" transform=\"rotate(-90 18 ").append(num(yMid)).append(")\">")
                .append(esc(yLabel)).append("</text>\n");

        // series
        b.append("<g class=\"series\" fill=\"none\" stroke-width=\"2\" stroke-linejoin=\"round\">\n");
        for (Series s : clean) {
            if (s.points().isEmpty()) {
                continue;
            }
            String color = color(s.styleIndex());
            String dash = dash(s.styleIndex());
            b.append("<g>");
            if (s.points().stream().anyMatch(p -> Double.isFinite(p.band()) && p.band() > 0)) {
                b.append("<polygon class=\"band\" fill=\"").append(color).append("\" fill-opacity=\"0.15\" ")
                        .append("stroke=\"none\" points=\"");
                List<Point> pts = s.points();
                for (int i = 0; i < pts.size(); i++) {
                    Point p = pts.get(i);
                    double band = Double.isFinite(p.band()) ? p.band() : 0;
                    b.append(i > 0 ? " " : "").append(num(sx.applyAsDouble(p.x()))).append(',')
                            .append(num(sy.applyAsDouble(Math.min(y.max, p.value() + band))));
                }
                for (int i = pts.size() - 1; i >= 0; i--) {
                    Point p = pts.get(i);
                    double band = Double.isFinite(p.band()) ? p.band() : 0;
                    b.append(' ').append(num(sx.applyAsDouble(p.x()))).append(',')
                            .append(num(sy.applyAsDouble(Math.max(y.min, p.value() - band))));
                }
                b.append("\"/>");
            }
            b.append("<polyline class=\"run-line\" stroke=\"").append(color).append('"');
            if (!dash.isEmpty()) {
                b.append(" stroke-dasharray=\"").append(dash).append('"');
            }
            b.append(" points=\"");
            for (int i = 0; i < s.points().size(); i++) {
                Point p = s.points().get(i);
                if (i > 0) {
                    b.append(' ');
                }
                b.append(num(sx.applyAsDouble(p.x()))).append(',').append(num(sy.applyAsDouble(p.value())));
            }
            b.append("\"><title>").append(esc(s.label())).append("</title></polyline>\n");
            if (s.points().size() <= MAX_MARKERS) {
                for (Point p : s.points()) {
                    b.append("<circle cx=\"").append(num(sx.applyAsDouble(p.x()))).append("\" cy=\"")
                            .append(num(sy.applyAsDouble(p.value()))).append("\" r=\"3.2\" fill=\"").append(color)
                            .append("\" stroke=\"#fff\" stroke-width=\"1\"><title>").append(esc(s.label()))
                            .append(" \u2014 ").append(esc(xAxis.pointName() + xAxis.tickLabel().apply(p.x())))
                            .append(": ").append(String.format(Locale.ROOT, "%.2f%%", p.value()))
                            .append(Double.isFinite(p.band()) ? String.format(Locale.ROOT, " \u00b1 %.2f", p.band()) : "")
                            .append("</title></circle>\n");
                }
            }
            b.append("</g>\n");
        }
        b.append("</g>\n");

        // legend
        b.append("<g class=\"legend\" font-size=\"12.5\" fill=\"#1d232b\">\n");
        for (int i = 0; i < clean.size(); i++) {
            Series s = clean.get(i);
            double x = LEFT + (i % columns) * colWidth;
            double yy = legendTop + (i / columns) * LEGEND_ROW;
            String label = s.label();
            if (s.points().isEmpty()) {
                label = label + " (no data)";
            }
            String shown = label.length() > maxChars ? label.substring(0, maxChars - 1) + "\u2026" : label;
            String dash = dash(s.styleIndex());
            b.append("<g><title>").append(esc(label)).append("</title><line x1=\"").append(num(x))
                    .append("\" x2=\"").append(num(x + 26)).append("\" y1=\"").append(num(yy - 4))
                    .append("\" y2=\"").append(num(yy - 4)).append("\" stroke=\"").append(color(s.styleIndex()))
                    .append("\" stroke-width=\"2.5\"");
            if (!dash.isEmpty()) {
                b.append(" stroke-dasharray=\"").append(dash).append('"');
            }
            b.append("/><text x=\"").append(num(x + 32)).append("\" y=\"").append(num(yy)).append("\"");
            if (s.points().isEmpty()) {
                b.append(" class=\"nodata\" fill=\"#9aa3ad\"");
            }
            b.append('>').append(esc(shown)).append("</text></g>\n");
        }
        b.append("</g>\n</svg>\n");
        return b.toString();
    }

    /** Integer epoch ticks from 1 to {@code maxEpoch} with a round step, at most about 12 of them. */
    static List<Integer> epochTicks(int maxEpoch) {
        List<Integer> ticks = new ArrayList<>();
        int step = 1;
        int[] mult = {1, 2, 5};
        outer:
        for (int scale = 1; ; scale *= 10) {
            for (int m : mult) {
                step = m * scale;
                if ((maxEpoch - 1) / step <= 11) {
                    break outer;
                }
            }
        }
        ticks.add(1);
        for (int t = step; t <= maxEpoch; t += step) {
            if (t > 1) {
                ticks.add(t);
            }
        }
        return ticks;
    }

    /** A value axis in percent with round tick positions, clamped to [0, 100]. */
    static final class Axis {
        final double min;
        final double max;
        final List<Double> ticks = new ArrayList<>();
        private final int decimals;

        private Axis(double min, double max, double step) {
            this.min = min;
            this.max = max;
            int n = (int) Math.round((max - min) / step);
            for (int i = 0; i <= n; i++) {
                ticks.add(min + i * step);
            }
            int d = 0;
            while (d < 4 && Math.abs(Double.parseDouble(String.format(Locale.ROOT, "%." + d + "f", step)) - step)
                    > step * 1e-6) {
                d++;
            }
            this.decimals = d;
        }

        static Axis forValues(double lo, double hi) {
            if (hi - lo < 1e-9) {
                lo -= 1;
                hi += 1;
            }
            double step = niceStep((hi - lo) / 6);
            double min = Math.max(0, Math.floor(lo / step + 1e-9) * step);
            double max = Math.min(100, Math.ceil(hi / step - 1e-9) * step);
            if (max <= min) {
                max = min + step;
            }
            return new Axis(min, max, step);
        }

        static double niceStep(double raw) {
            double scale = Math.pow(10, Math.floor(Math.log10(raw)));
            for (double m : new double[] {1, 2, 2.5, 5}) {
                if (m * scale >= raw * (1 - 1e-9)) {
                    return m * scale;
                }
            }
            return 10 * scale;
        }

        String label(double v) {
            return String.format(Locale.ROOT, "%." + decimals + "f", v);
        }
    }
}
