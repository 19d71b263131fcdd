package org.pnnlab.experiments.train;

import java.nio.file.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.pnnlab.api.run.RunConfig;

/**
 * One run while it trains: its configuration, network, data and folder, and its journal (the {@code run.json}
 * being written). What listeners get.
 */
public record RunContext(RunConfig config, ComputationGraph net, TrainingData data, Path runDir, RunJournal journal,
                         Workspace workspace) {
    public int batchesPerEpoch() {
        return data.batchesPerEpoch(config.optim());
    }
}
