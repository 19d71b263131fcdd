package org.pnnlab.experiments.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Drops the debugging lines that SameDiff 1.0.0-M2.1 prints to standard output when it first
 * differentiates a graph ("Added differentiated op ..."); everything else passes through unchanged.
 */
final class StdoutFilter extends OutputStream {
    private static final String NOISE = "Added differentiated op";
    private final PrintStream target;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    private StdoutFilter(PrintStream target) {
        this.target = target;
    }

    static void install() {
        System.setOut(new PrintStream(new StdoutFilter(System.out), true, StandardCharsets.UTF_8));
    }

    @Override
    public synchronized void write(int b) {
        line.write(b);
        if (b == '\n') flushLine();
    }

    private void flushLine() {
        String s = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (!s.startsWith(NOISE)) {
            target.print(s);
        }
    }

    @Override
    public synchronized void flush() {
        if (line.size() > 0 && !line.toString(StandardCharsets.UTF_8).startsWith(NOISE.substring(0, Math.min(NOISE.length(), line.size())))) {
            flushLine();
        }
        target.flush();
    }
}
