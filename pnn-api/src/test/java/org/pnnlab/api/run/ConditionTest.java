package org.pnnlab.api.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pnnlab.api.PnnException;

class ConditionTest {
    private static DataConfig data() {
        return DataConfig.of("mnist");
    }

    @Test
    void badDataSettingsGiveOneClearMessageNamingFieldAndFlag() {
        assertEquals("data.labelNoise (--label-noise) must be in [0, 1) (a fraction of the training labels), got 1",
                assertThrows(PnnException.class, () -> data().withLabelNoise(1.0, NoiseType.SYMMETRIC)).getMessage());
        assertEquals("data.labelNoise (--label-noise) must be in [0, 1) (a fraction of the training labels), got -0.1",
                assertThrows(PnnException.class, () -> data().withLabelNoise(-0.1, NoiseType.SYMMETRIC)).getMessage());
        assertThrows(PnnException.class, () -> data().withLabelNoise(Double.NaN, NoiseType.SYMMETRIC));
        assertEquals("data.subset (--subset) must be in (0, 1] (the fraction of each class kept for training), got 0",
                assertThrows(PnnException.class, () -> data().withSubset(0)).getMessage());
        assertEquals("data.subset (--subset) must be in (0, 1] (the fraction of each class kept for training), got 1.5",
                assertThrows(PnnException.class, () -> data().withSubset(1.5)).getMessage());
        assertEquals("data.validation (--validation) must be in [0, 1) (the fraction of each class held out for "
                + "validation, 0 = none), got 1", assertThrows(PnnException.class, () -> data().withValidation(1)).getMessage());
        assertEquals("--noise-type must be one of symmetric, asymmetric, got 'pair'",
                assertThrows(PnnException.class, () -> NoiseType.parse("pair")).getMessage());
        assertTrue(assertThrows(PnnException.class, () -> data().withNoisyValidation(true)).getMessage()
                .contains("--validation"));
        data().withLabelNoise(0.99, NoiseType.SYMMETRIC).withSubset(1).withValidation(0);
        assertEquals(NoiseType.ASYMMETRIC, NoiseType.parse("Asymmetric"));
    }

    @Test
    void labelsComeFromTheTypedConditions() {
        assertEquals("clean", new Condition(0, NoiseType.SYMMETRIC, 1, null).label());
        assertEquals("clean", new Condition(0, NoiseType.ASYMMETRIC, 1, null).label());
        assertEquals(Condition.CLEAN, new Condition(0, NoiseType.ASYMMETRIC, 1, null));
        assertEquals("sym-noise 40%", new Condition(0.4, NoiseType.SYMMETRIC, 1, null).label());
        assertEquals("asym-noise 40%", new Condition(0.4, NoiseType.ASYMMETRIC, 1, null).label());
        assertEquals("subset 10%", new Condition(0, NoiseType.SYMMETRIC, 0.1, null).label());
        assertEquals("sym-noise 12.5%, subset 10%", new Condition(0.125, NoiseType.SYMMETRIC, 0.1, null).label());
        assertEquals("sym-noise 80%, subset 7%, free-adv", new Condition(0.8, NoiseType.SYMMETRIC, 0.07, "free-adv").label());
        assertEquals("33.3333", Condition.percent(1.0 / 3));
    }

    @Test
    void conditionsSortCleanFirstThenByRateAndSubsetWithoutParsingLabels() {
        Condition clean = Condition.CLEAN;
        Condition n20 = new Condition(0.2, NoiseType.SYMMETRIC, 1, null);
        Condition n80 = new Condition(0.8, NoiseType.SYMMETRIC, 1, null);
        Condition s50 = new Condition(0, NoiseType.SYMMETRIC, 0.5, null);
        Condition s10 = new Condition(0, NoiseType.SYMMETRIC, 0.1, null);
        Condition free = new Condition(0, NoiseType.SYMMETRIC, 1, "free-adv");
        List<Condition> list = new ArrayList<>(List.of(free, n80, s10, clean, n20, s50));
        Collections.shuffle(list, new java.util.Random(3));
        Collections.sort(list);
        assertEquals(List.of(clean, s50, s10, n20, n80, free), list);
    }
}
