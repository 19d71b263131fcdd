package org.pnnlab.models.spectra;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.function.ThrowingConsumer;
import org.pnnlab.layers.testing.GoldenCases;

/** The case folders of one method in the {@code convnorm-methods} golden family, one dynamic test each. */
final class SpectrumCases {
    static final String FAMILY = "convnorm-methods";

    private SpectrumCases() {
    }

    /**
     * One test per folder {@code case-<method>-*}; none found is a failure unless {@code pnn.golden.dir} replaced the
     * root (a folder that may hold other cases only).
     */
    static Stream<DynamicTest> tests(String method, ThrowingConsumer<Path> run) {
        List<Path> cases = GoldenCases.list(FAMILY).stream()
                .filter(p -> p.getFileName().toString().startsWith("case-" + method + "-")).toList();
        if (cases.isEmpty() && System.getProperty("pnn.golden.dir") == null) {
            throw new AssertionError("no " + method + " cases under " + GoldenCases.root().resolve(FAMILY));
        }
        return cases.stream().map(d -> DynamicTest.dynamicTest(d.getFileName().toString(), () -> run.accept(d)));
    }
}
