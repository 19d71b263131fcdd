package org.pnnlab.api.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Configurations written before the later settings existed (copied from real runs: one plain, one PGD-trained with a
 * threat model) still read, and keep the run id they were saved under; a later setting away from its default changes
 * the id.
 */
class LaterSettingsTest {
    private static JsonNode record(String name) throws IOException {
        try (InputStream in = LaterSettingsTest.class.getResourceAsStream("/records-before-later-settings/" + name)) {
            return new ObjectMapper().readTree(in);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fmnist-convnorm-conv-22642ef9-s1.json", "fmnist-cnn-adv-conv-c27c5238-s1.json"})
    void anOlderConfigurationReadsWithItsDefaultsAndKeepsItsRunId(String name) throws IOException {
        JsonNode r = record(name);
        RunConfig config = RunConfigJson.fromTree(r.get("config"), name);
        assertEquals(r.get("runId").asText(), config.runId());
        assertEquals(RegularisationConfig.NONE, config.regularisation());
        assertEquals(EvaluationConfig.NONE.squareQueries(), config.evaluation().squareQueries());
        // written out and read back: the same run
        assertEquals(config.runId(), RunConfigJson.parse(RunConfigJson.write(config), "again").runId());
    }

    @ParameterizedTest
    @ValueSource(strings = {"fmnist-convnorm-conv-22642ef9-s1.json", "fmnist-cnn-adv-conv-c27c5238-s1.json"})
    void aLaterSettingAwayFromItsDefaultIsAnotherRun(String name) throws IOException {
        RunConfig config = RunConfigJson.fromTree(record(name).get("config"), name);
        assertNotEquals(config.runId(), config.withRegularisation(new RegularisationConfig(0.01)).runId());
    }
}
