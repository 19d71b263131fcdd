package org.pnnlab.models;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * A training step in steady state makes no array outside DL4J's workspaces: after a few warm-up steps of
 * {@code fit}, every activation, gradient and kept per-channel vector lands in a workspace or in a buffer the layer
 * already owns. (ND4J's own op arguments, the one-element scalar of a scalar op and the dimension list of a
 * reduction, are made outside workspaces by ND4J itself on every op call and are not counted here.)
 */
class SteadyStateAllocationTest {
    private static final int WARMUP = 2;
    private static final int STEPS = 4;

    @ParameterizedTest(name = "{0} {1}x{2}x{2}, slots {3}")
    @CsvSource({"lenet, 1, 28, conv", "lenet, 1, 28, perturbation", "cifarnet, 3, 32, perturbation"})
    void trainingStepsAllocateNothingOutsideWorkspaces(String model, int channels, int size, String slots) {
        ComputationGraph net = ModelTesting.build(model, channels, size, "conv", slots, Map.of(), Map.of(), Map.of(),
                DataType.FLOAT, new Adam(1e-3));
        Nd4j.getRandom().setSeed(3);
        int batch = 8;
        INDArray labels = Nd4j.zeros(DataType.FLOAT, batch, 10);
        for (int i = 0; i < batch; i++) labels.putScalar(i, (3 * i) % 10, 1);
        DataSet ds = new DataSet(Nd4j.rand(DataType.FLOAT, batch, channels, size, size), labels);
        try (OffHeapAllocations a = OffHeapAllocations.watch(true)) {
            for (int i = 0; i < WARMUP; i++) net.fit(ds);
            a.start();
            for (int i = 0; i < STEPS; i++) net.fit(ds);
            a.stop();
            assertEquals(0, a.buffers(), () -> "arrays made outside workspaces in " + STEPS + " steps, "
                    + a.bytes() + " bytes, by call site: " + a.sites());
        }
    }

    @Test
    void theCounterSeesDetachedArraysAndNotWorkspaceArrays() {
        WorkspaceConfiguration conf = WorkspaceConfiguration.builder().initialSize(1 << 20).build();
        try (OffHeapAllocations a = OffHeapAllocations.watch(false)) {
            a.start();
            Nd4j.createUninitialized(DataType.FLOAT, 16, 4);
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(conf, "counter-test")) {
                Nd4j.createUninitialized(DataType.FLOAT, 16, 4).addi(1);
            }
            a.stop();
            assertEquals(1, a.buffers());
            assertEquals(16 * 4 * 4, a.bytes());
            assertEquals(1, a.opArguments()); // the scalar of addi(1)
        }
    }
}
