package org.pnnlab.experiments.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.NoOp;
import org.pnnlab.api.LayerRegistry;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.plugin.Plugins;
import org.pnnlab.models.ModelRegistry;
import org.pnnlab.models.ModelSpec;
import org.pnnlab.models.SavedModels;

/** Plugin jars through the command line, with the Kotlin example plugin's jar (built by its own module). */
class PluginCliTest {
    private static final String LBC_LAYER = "org.pnnlab.examples.lbc.LbcLayer";

    /** The example's plugin jar (kotlin-stdlib inside), copied into {@code folder}. */
    private static Path kotlinPlugin(Path folder) throws IOException {
        Path jar = ExternalPluginTest.projectRoot().resolve("examples/kotlin-plugin/target/pnn-kotlin-plugin-example.jar");
        Assumptions.assumeTrue(Files.isRegularFile(jar), "skipped: " + jar + " is not built (mvn package builds it)");
        Files.createDirectories(folder);
        return Files.copy(jar, folder.resolve(jar.getFileName()));
    }

    @Test
    void listNamesThePluginJarOfEachPluginAndPluginsMayFollowTheCommand(@TempDir Path tmp) throws IOException {
        Path plugins = tmp.resolve("plugins");
        kotlinPlugin(plugins);
        CliTest.Result r = CliTest.cli("list", "--plugins", plugins.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("Plugin jars: " + plugins.resolve("pnn-kotlin-plugin-example.jar"), lines.get(0));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("  lbc ") && l.endsWith("[from pnn-kotlin-plugin-example.jar]")),
                r.out());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("  conv ") && !l.contains("[from")), r.out());
        // nothing stays installed after the command
        assertNull(Plugins.installed());
        assertFalse(LayerRegistry.load().contains("lbc"));
    }

    @Test
    void pluginsOptionsMoveToTheFrontWhereverTheyAre() {
        assertArrayEquals(new String[]{"--plugins", "a", "--plugins", "b", "run", "x", "--layer", "y"},
                CliPlugins.hoist(new String[]{"run", "--plugins", "a", "x", "--plugins=b", "--layer", "y"}));
    }

    @Test
    void aJarThatIsNoJarOrAMissingFolderIsOneLineWithTheFix(@TempDir Path tmp) throws IOException {
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        Files.writeString(plugins.resolve("download.jar"), "<html>not found</html>");
        CliTest.Result r = CliTest.cli("--plugins", plugins.toString(), "list");
        CliTest.assertUserError(r, "download.jar", "not a readable jar", "remove it");
        assertEquals(1, r.err().lines().count(), r.err());

        r = CliTest.cli("run", "mnist-lenet-conv", "--plugins", tmp.resolve("nowhere").toString());
        CliTest.assertUserError(r, "--plugins", "nowhere", "does not exist");
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void twoCopiesOfOnePluginNameBothJars(@TempDir Path tmp) throws IOException {
        Path plugins = tmp.resolve("plugins");
        Path jar = kotlinPlugin(plugins);
        Files.copy(jar, plugins.resolve("lbc-old.jar"));
        CliTest.Result r = CliTest.cli("--plugins", plugins.toString(), "list");
        CliTest.assertUserError(r, "pnn-kotlin-plugin-example.jar", "lbc-old.jar", "org.pnnlab.examples.lbc.LbcPlugin",
                "remove one of them");
        assertEquals(1, r.err().lines().count(), r.err());
    }

    /**
     * DL4J reads a saved model's layers by class name through the thread's context class loader: with the plugin
     * loader there (as the CLI sets it) a plugin's layer loads, with only the application's it does not.
     */
    @Test
    void aSavedModelWithAPluginLayerNeedsThePluginLoader(@TempDir Path tmp) throws IOException {
        Path plugins = tmp.resolve("plugins");
        kotlinPlugin(plugins);
        Plugins p = Plugins.find(tmp, null, List.of(plugins));
        ClassLoader cl = p.classLoader();
        ModelSpec spec = new ModelSpec("lenet", 1, 28, 28, 10, "lbc", Map.of(), "lbc", Map.of(), Map.of(), 1);
        ComputationGraph net = new ComputationGraph(ModelRegistry.load(cl).get("lenet").build(spec, LayerRegistry.load(cl),
                new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT).updater(new NoOp())));
        net.init();
        Path zip = tmp.resolve("model.zip");
        ModelSerializer.writeModel(net, zip.toFile(), false);

        // DL4J's JSON reader remembers a layer class once it has resolved its name: the failures come first
        Thread t = Thread.currentThread();
        ClassLoader app = t.getContextClassLoader();
        Exception x = assertThrows(Exception.class, () -> ModelSerializer.restoreComputationGraph(zip.toFile(), false));
        assertTrue(String.valueOf(SavedModels.missingClass(x)).equals(LBC_LAYER), x::toString);
        PnnException e = assertThrows(PnnException.class, () -> SavedModels.load(zip));
        assertTrue(e.getMessage().contains(LBC_LAYER) && e.getMessage().contains("plugins/"), e.getMessage());

        t.setContextClassLoader(cl);
        try {
            ComputationGraph back = ModelSerializer.restoreComputationGraph(zip.toFile(), false);
            assertSame(cl, lbcLayerClass(back).getClassLoader());
            assertEquals(net.numParams(), back.numParams());
        } finally {
            t.setContextClassLoader(app);
        }
        Plugins before = Plugins.install(p);
        try {
            ComputationGraph back = SavedModels.load(zip);
            assertNotSame(getClass().getClassLoader(), lbcLayerClass(back).getClassLoader());
            assertSame(app, t.getContextClassLoader());
        } finally {
            Plugins.install(before);
        }
    }

    private static Class<?> lbcLayerClass(ComputationGraph net) {
        return net.getConfiguration().getVertices().values().stream()
                .filter(v -> v instanceof LayerVertex lv && lv.getLayerConf().getLayer().getClass().getName().equals(LBC_LAYER))
                .map(v -> ((LayerVertex) v).getLayerConf().getLayer().getClass()).findFirst()
                .orElseThrow(() -> new AssertionError("no " + LBC_LAYER + " in the network"));
    }
}
