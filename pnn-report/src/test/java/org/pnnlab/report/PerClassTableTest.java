package org.pnnlab.report;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pnnlab.api.run.ConfusionMatrix;
import org.pnnlab.api.run.EpochRecord;
import org.pnnlab.api.run.RunRecord;

class PerClassTableTest {
    static RunRecord withConfusion(RunRecord r, ConfusionMatrix c) {
        List<EpochRecord> epochs = new ArrayList<>(r.epochs());
        epochs.set(epochs.size() - 1, epochs.get(epochs.size() - 1).withTestConfusion(c));
        return new RunRecord(r.schemaVersion(), r.runId(), r.status(), r.config(), r.facts(), r.environment(),
                r.process(), epochs, r.finalMetrics(), r.wallTimeSeconds(), r.startedAt(), r.updatedAt(),
                r.finishedAt(), r.robustness());
    }

    @Test
    void aGroupsSummedConfusionIsShownAsPerClassAccuracy() {
        RunRecord a = withConfusion(Fixtures.run("e", "conv", 1, RunRecord.COMPLETED, new double[] {0.75}, 0.75, null,
                Fixtures.clean()), new ConfusionMatrix(List.of(List.of(3L, 1L), List.of(0L, 4L))));
        RunRecord b = withConfusion(Fixtures.run("e", "conv", 2, RunRecord.COMPLETED, new double[] {0.75}, 0.75, null,
                Fixtures.clean()), new ConfusionMatrix(List.of(List.of(1L, 3L), List.of(2L, 2L))));
        String html = ReportGenerator.render(List.of(a, b), List.of(), ZonedDateTime.parse("2025-01-02T00:00:00Z"));
        int s = html.indexOf("<section id=\"per-class\"");
        assertTrue(s > 0, html);
        String sec = html.substring(s, html.indexOf("</section>", s));
        // class 0: (3 + 1) of (4 + 4) = 50 %; class 1: (4 + 2) of (4 + 4) = 75 %
        assertTrue(sec.contains("data-sort=\"0.5\"") && sec.contains(">50.00%<"), sec);
        assertTrue(sec.contains("data-sort=\"0.75\"") && sec.contains(">75.00%<"), sec);
        assertTrue(sec.contains("rgba(34, 139, 34, 0.30)"), "75 % is shaded half way: " + sec);
        String none = ReportGenerator.render(List.of(Fixtures.run("e", "conv", 1, RunRecord.COMPLETED,
                new double[] {0.9}, 0.9, null, Fixtures.clean())), List.of(), ZonedDateTime.parse("2025-01-02T00:00:00Z"));
        assertFalse(none.contains("id=\"per-class\""), "no section without recorded matrices");
    }
}
