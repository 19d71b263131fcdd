package org.pnnlab.experiments.cli;

import com.beust.jcommander.ParameterException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.run.EpochRecord;
import org.pnnlab.api.run.EpochSpectra;
import org.pnnlab.api.run.LayerSpectrum;
import org.pnnlab.api.run.RunRecord;
import org.pnnlab.api.run.RunStore;

/** {@code pnn spectrum RUN_DIR}: the layer spectra a run recorded, one table per epoch. Reads only; changes nothing. */
final class SpectrumCommand {
    private final PrintStream out;

    SpectrumCommand(PrintStream out) {
        this.out = out;
    }

    int run(Options.Spectrum s) {
        if (s.dir.size() != 1) throw new ParameterException("spectrum takes one run folder, e.g. runs/<experiment>/<run-id>");
        Path dir = Paths.get(s.dir.get(0));
        Path json = dir.resolve(RunStore.RUN_JSON);
        if (!Files.isRegularFile(json) || !Files.isRegularFile(dir.resolve(RunStore.MODEL_ZIP))) {
            throw new PnnException(dir + " is not a run folder with a saved model (it needs " + RunStore.RUN_JSON + " and "
                    + RunStore.MODEL_ZIP + "); give a folder such as runs/<experiment>/<run-id> after its first epoch");
        }
        RunRecord r = RunStore.read(json);
        List<EpochRecord> with = r.epochs().stream().filter(e -> e.spectra() != null).toList();
        if (with.isEmpty()) {
            throw new PnnException(dir + " has no layer spectra (its model has no convolution-like layer, or the run "
                    + "was made before spectra were recorded); train it again with this pnn to record them");
        }
        out.println(String.format(Locale.ROOT, "run %s: experiment %s, model %s, layer %s", r.runId(), r.experiment(),
                r.model(), r.layer()));
        out.println("largest singular values of each layer's linear map at inference: 'map' as the layer applies it "
                + "(its padding and stride; power iteration), '+bn' with the next batch norm's scale folded in, "
                + "'circular' its kernel as a stride-1 circular convolution (exact, FFT)");
        for (EpochRecord e : with) print(e.epoch(), e.spectra());
        return 0;
    }

    private void print(int epoch, EpochSpectra s) {
        out.println();
        out.println("epoch " + epoch);
        String head = String.format(Locale.ROOT, "  %-28s %-7s %-26s %-26s %-26s %-26s", "layer", "input", "map", "map +bn",
                "circular", "circular +bn");
        out.println(head.stripTrailing());
        for (LayerSpectrum l : s.layers()) {
            out.println(String.format(Locale.ROOT, "  %-28s %-7s %-26s %-26s %-26s %-26s", l.layer(),
                    l.height() + "x" + l.width(), values(l.operator()), values(l.folded()), values(l.circular()),
                    values(l.circularFolded())).stripTrailing());
        }
        out.println(String.format(Locale.ROOT, "  product of sigma_max (an upper bound on the Lipschitz constant): %.5g",
                s.productOfNorms()));
        if (s.localLipschitz() != null) {
            out.println(String.format(Locale.ROOT, "  local estimate (mean norm of the input gradient of the logit margin, "
                    + "%d test images): %.5g", s.localImages(), s.localLipschitz()));
        }
    }

    private static String values(@Nullable List<Double> v) {
        if (v == null) return "-";
        StringBuilder sb = new StringBuilder();
        for (double d : v) sb.append(sb.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.4g", d));
        return sb.toString();
    }
}
