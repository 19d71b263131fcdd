package org.pnnlab.report;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.run.AtomicFiles;
import org.pnnlab.api.run.RunRecord;
import org.pnnlab.api.run.RunStore;
import org.pnnlab.api.study.StudyManifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the HTML report of every saved run below a folder. This is the plain Java entry point; the command
 * line ({@code pnn report}) calls {@link #write(Path, Path)}.
 */
public final class ReportCommand {
    private static final Logger LOG = LoggerFactory.getLogger(ReportCommand.class);
    private static final int MAX_REASON_CHARS = 600;

    private ReportCommand() {
    }

    /**
     * The runs that could be read and one warning per {@code run.json} that could not.
     *
     * @param files how many {@code run.json} files were found
     * @param folders the folder each run was read from (by identity)
     */
    public record LoadedRuns(List<RunRecord> runs, List<String> warnings, int files,
                             java.util.Map<RunRecord, Path> folders) {
        public LoadedRuns {
            runs = List.copyOf(runs);
            warnings = List.copyOf(warnings);
        }

        public LoadedRuns(List<RunRecord> runs, List<String> warnings, int files) {
            this(runs, warnings, files, new java.util.IdentityHashMap<>());
        }
    }

    /**
     * Reads every {@code run.json} below {@code runsDir}. A file that cannot be read is skipped with a
     * logged warning naming the file and the reason; the same text is returned in {@link LoadedRuns#warnings()}.
     *
     * @throws PnnException if {@code runsDir} is not a folder
     */
    public static LoadedRuns load(Path runsDir) {
        List<Path> files = RunStore.find(runsDir);
        List<RunRecord> runs = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        java.util.Map<RunRecord, Path> folders = new java.util.IdentityHashMap<>();
        for (Path file : files) {
            try {
                RunRecord r = RunStore.read(file);
                runs.add(r);
                folders.put(r, file.toAbsolutePath().normalize().getParent());
            } catch (RuntimeException e) {
                String reason = reason(file, e);
                LOG.warn("skipping {}: {}", file, reason);
                warnings.add("Skipped " + file + ": " + reason);
            }
        }
        return new LoadedRuns(runs, warnings, files.size(), folders);
    }

    /**
     * Reads the study manifests ({@code <runsDir>/studies/*.json}, see {@link StudyManifest}), in name order. A file
     * that cannot be read is skipped with a warning added to {@code warnings}.
     */
    public static List<StudyManifest> loadStudies(Path runsDir, List<String> warnings) {
        Path folder = runsDir.resolve(StudyManifest.FOLDER);
        if (!Files.isDirectory(folder)) return List.of();
        List<Path> files;
        try (var list = Files.list(folder)) {
            files = list.filter(f -> f.getFileName().toString().endsWith(".json") && Files.isRegularFile(f)).sorted()
                    .toList();
        } catch (java.io.IOException e) {
            warnings.add("Could not list the studies in " + folder + ": " + e.getMessage());
            return List.of();
        }
        List<StudyManifest> out = new ArrayList<>();
        for (Path f : files) {
            try {
                StudyManifest m = MANIFESTS.readValue(f.toFile(), StudyManifest.class);
                if (m.name() == null || m.baseline() == null || m.cells() == null) {
                    throw new IllegalArgumentException("a study manifest needs 'name', 'baseline' and 'cells'");
                }
                out.add(m);
            } catch (java.io.IOException | RuntimeException e) {
                String reason = reason(f, e instanceof RuntimeException r ? r : new RuntimeException(e.getMessage()));
                LOG.warn("skipping study manifest {}: {}", f, reason);
                warnings.add("Skipped study manifest " + f + ": " + reason);
            }
        }
        return out;
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper MANIFESTS =
            new com.fasterxml.jackson.databind.ObjectMapper()
                    .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * Writes the report of all runs below {@code runsDir} to {@code outputHtml} (atomically; folders are
     * created as needed).
     *
     * @return the absolute path of the written report
     * @throws PnnException if the folder holds no runs, none of its runs can be read, or the report cannot be
     *     written
     */
    public static Path write(Path runsDir, Path outputHtml) {
        Path dir = runsDir.toAbsolutePath().normalize();
        Path out = outputHtml.toAbsolutePath().normalize();
        if (Files.isDirectory(out)) {
            throw new PnnException("report output " + out + " is a folder; give a file name such as "
                    + out.resolve("report.html"));
        }
        LoadedRuns loaded = load(dir);
        if (loaded.files() == 0) {
            throw new PnnException("no runs found under " + dir
                    + "; run an experiment first, e.g. 'pnn run mnist-lenet-conv'");
        }
        if (loaded.runs().isEmpty()) {
            throw new PnnException("none of the " + loaded.files() + " run.json files under " + dir
                    + " could be read (first problem: " + loaded.warnings().get(0)
                    + "); fix or remove the damaged files, or run an experiment again");
        }
        List<String> warnings = new ArrayList<>(loaded.warnings());
        List<StudyManifest> studies = loadStudies(dir, warnings);
        String html = ReportGenerator.render(loaded.runs(), studies, warnings, java.time.ZonedDateTime.now(),
                r -> loaded.folders().getOrDefault(r, dir.resolve(r.experiment()).resolve(r.runId())).toString());
        try {
            AtomicFiles.writeString(out, html);
        } catch (UncheckedIOException e) {
            throw new PnnException("could not write the report to " + out + ": " + e.getCause().getMessage()
                    + "; choose a writable output file", e);
        }
        LOG.info("wrote report of {} runs to {}{}", loaded.runs().size(), out,
                loaded.warnings().isEmpty() ? "" : " (" + loaded.warnings().size() + " files skipped)");
        return out;
    }

    /**
     * Writes every run below {@code runsDir} as CSV to {@code outputCsv} (atomically), one row per run with every
     * configuration field and metric (see {@link CsvExport}).
     *
     * @return the absolute path of the written file
     * @throws PnnException as {@link #write(Path, Path)}
     */
    public static Path writeCsv(Path runsDir, Path outputCsv) {
        Path dir = runsDir.toAbsolutePath().normalize();
        Path out = outputCsv.toAbsolutePath().normalize();
        if (Files.isDirectory(out)) {
            throw new PnnException("CSV output " + out + " is a folder; give a file name such as "
                    + out.resolve("runs.csv"));
        }
        LoadedRuns loaded = load(dir);
        if (loaded.runs().isEmpty()) {
            throw new PnnException("no readable runs under " + dir + " to export; run an experiment first, e.g. "
                    + "'pnn run mnist-lenet-conv'");
        }
        try {
            AtomicFiles.writeString(out, CsvExport.csv(loaded.runs()));
        } catch (UncheckedIOException e) {
            throw new PnnException("could not write the CSV to " + out + ": " + e.getCause().getMessage()
                    + "; choose a writable output file", e);
        }
        LOG.info("wrote {} runs as CSV to {}", loaded.runs().size(), out);
        return out;
    }

    /** The exception's message without the file name it may start with, on one line and of bounded length. */
    private static String reason(Path file, RuntimeException e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String name = file.toString();
        if (msg.startsWith(name)) {
            msg = msg.substring(name.length()).strip();
        }
        // Jackson's location suffix: keep line and column, drop the redacted source description
        msg = msg.replaceAll("\\s*at \\[Source: [^\\]]*?(line: \\d+, column: \\d+)\\]", " (at $1)");
        msg = msg.replaceAll("\\s+", " ").strip();
        if (msg.isEmpty()) {
            msg = e.getClass().getSimpleName();
        }
        if (msg.length() > MAX_REASON_CHARS) {
            msg = msg.substring(0, MAX_REASON_CHARS - 1) + "\u2026";
        }
        return msg;
    }
}
