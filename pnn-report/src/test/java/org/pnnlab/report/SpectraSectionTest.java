package org.pnnlab.report;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pnnlab.api.run.EpochRecord;
import org.pnnlab.api.run.EpochSpectra;
import org.pnnlab.api.run.LayerSpectrum;
import org.pnnlab.api.run.RunRecord;

/** The layer spectra section: a σ_max chart per group and the product and local estimate of the last epoch. */
class SpectraSectionTest {
    private static RunRecord withSpectra(RunRecord r, double scale) {
        List<EpochRecord> epochs = new ArrayList<>();
        for (EpochRecord e : r.epochs()) {
            EpochSpectra s = EpochSpectra.of(List.of(
                    new LayerSpectrum("c1_conv", 28, 28, List.of(2.0 * scale * e.epoch(), 1.0), List.of(3.0 * scale, 1.0), null, null),
                    new LayerSpectrum("c2_conv", 28, 28, List.of(1.5, 1.0), List.of(4.0, 1.0), null, null)));
            if (e.epoch() == r.epochs().size()) s = s.withLocalLipschitz(0.75, 1000);
            epochs.add(e.withSpectra(s));
        }
        return new RunRecord(r.schemaVersion(), r.runId(), r.status(), r.config(), r.facts(), r.environment(), r.process(),
                epochs, r.finalMetrics(), r.wallTimeSeconds(), r.startedAt(), r.updatedAt(), r.finishedAt(), r.robustness());
    }

    @Test
    void groupsWithSpectraGetAChartAndTheirProduct() {
        RunRecord a = withSpectra(Fixtures.run("fmnist-convnorm", "conv", 1, RunRecord.COMPLETED, new double[] {0.8, 0.9}, 0.9, null, Fixtures.clean()), 1);
        RunRecord b = withSpectra(Fixtures.run("fmnist-convnorm", "conv", 2, RunRecord.COMPLETED, new double[] {0.8, 0.9}, 0.9, null, Fixtures.clean()), 1);
        RunRecord plain = Fixtures.run("fmnist-convnorm", "convnorm", 1, RunRecord.COMPLETED, new double[] {0.8, 0.9}, 0.9, null, Fixtures.clean());
        String html = ReportGenerator.render(List.of(a, b, plain), List.of());
        assertTrue(html.contains("<section id=\"spectra\">"), "section");
        assertTrue(html.contains("id=\"chart-spectra-0\""), "one chart for the group with spectra");
        assertFalse(html.contains("id=\"chart-spectra-1\""), "none for the group without");
        assertTrue(html.contains(">12.00 \u00b1 0.0<"), "product 3·4 of the folded sigma_max:\n" + html);
        assertTrue(html.contains(">0.7500 \u00b1 0.0<"), "the local estimate");
        assertTrue(html.contains(">6.000 \u00b1 0.0<"), "the product without the batch norm's scale");
        assertTrue(html.contains(">4.000 (c2_conv)<"), "the largest layer");
    }
}
