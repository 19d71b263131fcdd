package org.pnnlab.experiments.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.run.AtomicFiles;
import org.pnnlab.api.run.EpochRecord;
import org.pnnlab.api.run.RunStore;

/**
 * A resumable state of a run: the network with its updater state (weights, optimiser moments, iteration and epoch
 * counters, batch-norm statistics and every other stored layer state such as ConvNorm's counters) in
 * {@code checkpoints/<iteration>.zip}, and {@code checkpoint.json} naming that file with the {@link Position} and the
 * epochs finished. The network file is written first and the small state file is renamed over the old one last, so
 * a kill at any moment leaves the previous complete checkpoint or the new one; files no state names are removed.
 *
 * @param modelFile the network file, relative to the run folder
 * @param epochs the epochs finished before {@code position}
 * @param wallTimeSeconds seconds of work on the run up to this checkpoint
 */
public record Checkpoint(String modelFile, Position position, List<EpochRecord> epochs, double wallTimeSeconds,
                         String writtenAt) {
    public static final String STATE = "checkpoint.json";
    public static final String FOLDER = "checkpoints";

    private static final ObjectMapper MAPPER = RunStore.mapper();

    /** Saves the network and then the state; returns the state. */
    static Checkpoint write(Path runDir, ComputationGraph net, Position position, List<EpochRecord> epochs,
                            double wallTimeSeconds) {
        String file = FOLDER + "/" + position.iteration() + "-e" + position.epoch() + "b" + position.batch() + ".zip";
        Path zip = runDir.resolve(file);
        AtomicFiles.write(zip, out -> ModelSerializer.writeModel(net, out, true));
        Checkpoint c = new Checkpoint(file, position, epochs, wallTimeSeconds, java.time.Instant.now().toString());
        AtomicFiles.write(runDir.resolve(STATE), out -> out.write(MAPPER.writeValueAsBytes(c)));
        removeOthers(runDir, zip);
        return c;
    }

    /** Makes {@code model.zip} the network of this checkpoint (a hard link where the file system allows). */
    void publishModel(Path runDir) {
        Path target = runDir.resolve(RunStore.MODEL_ZIP);
        Path tmp = runDir.resolve("." + RunStore.MODEL_ZIP + ".link");
        try {
            Files.deleteIfExists(tmp);
            try {
                Files.createLink(tmp, runDir.resolve(modelFile));
            } catch (UnsupportedOperationException | IOException e) {
                Files.copy(runDir.resolve(modelFile), tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new PnnException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** The run's last checkpoint, or null when it never wrote one. */
    static Checkpoint read(Path runDir) {
        Path state = runDir.resolve(STATE);
        if (!Files.isRegularFile(state)) return null;
        try {
            return MAPPER.readValue(state.toFile(), Checkpoint.class);
        } catch (IOException e) {
            throw new PnnException(state + " cannot be read (" + e.getMessage() + "); the checkpoint is damaged", e);
        }
    }

    /** Loads the checkpoint's network, with its updater state. */
    ComputationGraph loadNetwork(Path runDir) {
        Path zip = runDir.resolve(modelFile);
        if (!Files.isRegularFile(zip)) {
            throw new PnnException(runDir.resolve(STATE) + " names " + modelFile + ", which is missing; the run folder "
                    + "was changed by hand and cannot be resumed");
        }
        return org.pnnlab.models.SavedModels.load(zip, true);
    }

    private static void removeOthers(Path runDir, Path keep) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(runDir.resolve(FOLDER), "*.zip")) {
            for (Path f : files) {
                if (!f.getFileName().equals(keep.getFileName())) Files.deleteIfExists(f);
            }
        } catch (IOException ignored) {
            // an old checkpoint file left behind costs disk space only
        }
    }
}
