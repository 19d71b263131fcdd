package org.pnnlab.experiments;

import java.io.PrintStream;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Progress of long work: a bar on a terminal, periodic log lines otherwise. */
public interface Progress {
    void start(String label, long total);

    void update(long done, String status);

    void finish(String summary);

    /** This display as the listener of an attack evaluation. */
    default org.pnnlab.experiments.attack.RobustnessEvaluator.Listener attackListener() {
        Progress p = this;
        return new org.pnnlab.experiments.attack.RobustnessEvaluator.Listener() {
            @Override
            public void started(String attack, long planned) {
                p.start(attack, Math.max(planned, 0));
            }

            @Override
            public void batchDone(String attack, long evaluated, long planned, long correct) {
                p.update(evaluated, String.format(Locale.ROOT, "acc %.2f%%", 100.0 * correct / evaluated));
            }

            @Override
            public void finished(org.pnnlab.experiments.attack.RobustnessEvaluator.Result result) {
                p.finish(result.describe());
            }
        };
    }

    /** A bar when standard error is a terminal, log lines otherwise (or when {@code PNN_PROGRESS=log}). */
    static Progress auto() {
        boolean terminal = System.console() != null && !"dumb".equals(System.getenv("TERM"))
                && !"log".equals(System.getenv("PNN_PROGRESS"));
        return terminal ? new Bar(System.err) : new Lines();
    }

    /** A one-line bar redrawn in place. */
    final class Bar implements Progress {
        private final PrintStream out;
        private String label = "";
        private long total;
        private long startNanos;
        private long lastDraw;

        public Bar(PrintStream out) {
            this.out = out;
        }

        @Override
        public void start(String label, long total) {
            this.label = label;
            this.total = total;
            this.startNanos = System.nanoTime();
            this.lastDraw = 0;
            update(0, "");
        }

        @Override
        public void update(long done, String status) {
            long now = System.nanoTime();
            if (done < total && now - lastDraw < 100_000_000L) return;
            lastDraw = now;
            int width = 30;
            int filled = total == 0 ? width : (int) (width * Math.min(done, total) / total);
            double secs = (now - startNanos) / 1e9;
            String eta = done > 0 && done < total ? String.format(Locale.ROOT, " eta %.0fs", secs * (total - done) / done) : "";
            out.print(String.format(Locale.ROOT, "\r%s [%s%s] %d/%d %.0fs%s %s\u001b[K", label, "#".repeat(filled),
                    ".".repeat(width - filled), done, total, secs, eta, status));
            out.flush();
        }

        @Override
        public void finish(String summary) {
            out.print("\r\u001b[K");
            out.flush();
            LoggerFactory.getLogger(Progress.class).info("{} {}", label, summary);
        }
    }

    /** Log lines at about every 10 % and at least every 30 seconds. */
    final class Lines implements Progress {
        private static final Logger LOG = LoggerFactory.getLogger(Progress.class);
        private String label = "";
        private long total;
        private long nextStep;
        private long lastLog;
        private long startNanos;

        @Override
        public void start(String label, long total) {
            this.label = label;
            this.total = total;
            this.nextStep = Math.max(1, total / 10);
            this.startNanos = System.nanoTime();
            this.lastLog = startNanos;
        }

        @Override
        public void update(long done, String status) {
            long now = System.nanoTime();
            if (done >= nextStep || now - lastLog > 30_000_000_000L) {
                LOG.info("{} {}/{} ({}%) {}s {}", label, done, total, total == 0 ? 100 : 100 * done / total,
                        String.format(Locale.ROOT, "%.0f", (now - startNanos) / 1e9), status);
                lastLog = now;
                while (nextStep <= done) nextStep += Math.max(1, total / 10);
            }
        }

        @Override
        public void finish(String summary) {
            LOG.info("{} {}", label, summary);
        }
    }

    /** No output (tests). */
    Progress NONE = new Progress() {
        @Override
        public void start(String label, long total) {
        }

        @Override
        public void update(long done, String status) {
        }

        @Override
        public void finish(String summary) {
        }
    };
}
