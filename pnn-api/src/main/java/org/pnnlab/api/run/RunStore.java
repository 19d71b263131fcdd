package org.pnnlab.api.run;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.pnnlab.api.PnnException;

/** Reads and writes {@code run.json} files. */
public final class RunStore {
    public static final String RUN_JSON = "run.json";
    public static final String MODEL_ZIP = "model.zip";

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private RunStore() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static String toJson(RunRecord run) {
        try {
            return MAPPER.writeValueAsString(run);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code run.json} atomically. */
    public static void write(Path runJson, RunRecord run) {
        AtomicFiles.writeString(runJson, toJson(run) + "\n");
    }

    /** Reads one {@code run.json}; a damaged or too-new file is an error naming the file and the reason. */
    public static RunRecord read(Path runJson) {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(runJson.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            var loc = e.getLocation();
            throw new PnnException(runJson + " is not valid JSON (" + e.getOriginalMessage()
                    + (loc != null ? ", at line " + loc.getLineNr() + " column " + loc.getColumnNr() : "")
                    + "); it may have been edited or damaged", e);
        } catch (IOException e) {
            throw new PnnException(runJson + " cannot be read: " + e.getMessage(), e);
        }
        if (tree == null || !tree.isObject()) {
            throw new PnnException(runJson + " is not a run record (it is not a JSON object)");
        }
        JsonNode v = tree.get("schemaVersion");
        if (v == null || !v.canConvertToInt()) {
            throw new PnnException(runJson + " has no schemaVersion; it was not written by pnn");
        }
        if (v.asInt() > RunRecord.SCHEMA_VERSION) {
            throw new PnnException(runJson + " has schema version " + v.asInt() + ", newer than this pnn reads ("
                    + RunRecord.SCHEMA_VERSION + "); update pnn");
        }
        if (v.asInt() < RunRecord.SCHEMA_VERSION) return RunRecordV1.convert(tree, MAPPER, runJson);
        if (tree.get("config") != null) RunConfigJson.fillAddedSettings(tree.get("config"));
        try {
            return MAPPER.treeToValue(tree, RunRecord.class);
        } catch (IOException | IllegalArgumentException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            Throwable root = e;
            while (root.getCause() != null) root = root.getCause();
            if (root instanceof IllegalArgumentException && root.getMessage() != null) msg = root.getMessage();
            int cut = msg.indexOf("\n");
            if (cut > 0) msg = msg.substring(0, cut);
            throw new PnnException(runJson + " does not match the run schema: " + msg, e);
        }
    }

    /**
     * Adds robustness entries to a saved run, replacing earlier entries of the same names, and changes nothing else
     * in the file: records of an older schema keep their format (they are read-only otherwise).
     */
    public static void addRobustness(Path runJson, List<RobustnessRecord> added) {
        RunRecord current = read(runJson);
        if (!current.readOnly()) {
            write(runJson, current.withRobustness(added));
            return;
        }
        try {
            com.fasterxml.jackson.databind.node.ObjectNode tree =
                    (com.fasterxml.jackson.databind.node.ObjectNode) MAPPER.readTree(runJson.toFile());
            tree.set("robustness", MAPPER.valueToTree(current.withRobustness(added).robustness()));
            tree.put("updatedAt", java.time.Instant.now().toString());
            AtomicFiles.writeString(runJson, MAPPER.writeValueAsString(tree) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("could not update " + runJson, e);
        }
    }

    /** All {@code run.json} files below a folder, in path order. */
    public static List<Path> find(Path runsDir) {
        if (!Files.isDirectory(runsDir)) {
            throw new PnnException("runs folder " + runsDir + " does not exist (runs are written to ./runs by default)");
        }
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(runsDir)) {
            s.filter(p -> p.getFileName().toString().equals(RUN_JSON) && Files.isRegularFile(p))
                    .sorted(Comparator.naturalOrder()).forEach(out::add);
        } catch (IOException e) {
            throw new UncheckedIOException("could not list " + runsDir, e);
        }
        return out;
    }
}
