package org.pnnlab.experiments;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.pnnlab.api.PnnException;

/** Loads saved networks ({@code model.zip}, checkpoints) with their updater state. */
public final class SavedModels {
    private SavedModels() {
    }

    /** The network saved in {@code zip}; a missing or damaged file is one clear error. */
    public static ComputationGraph load(Path zip) {
        if (!Files.isRegularFile(zip)) throw new PnnException(zip + " does not exist");
        try {
            return ModelSerializer.restoreComputationGraph(zip.toFile(), true);
        } catch (IOException | RuntimeException x) {
            throw new PnnException(zip + " cannot be read as a saved network (" + x.getMessage() + "); the file is "
                    + "damaged or was not written by pnn", x);
        }
    }
}
