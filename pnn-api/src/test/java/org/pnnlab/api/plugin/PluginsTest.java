package org.pnnlab.api.plugin;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pnnlab.api.LayerPlugin;
import org.pnnlab.api.LayerRegistry;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.experiment.Experiment;
import org.pnnlab.api.experiment.ExperimentRegistry;

class PluginsTest {
    private static final String EXPERIMENT = """
            package ext;
            public final class TinyExperiment implements org.pnnlab.api.experiment.Experiment {
              public String name() { return "ext-tiny"; }
              public String description() { return "an experiment from a jar"; }
              public com.google.inject.Module module() { return binder -> { }; }
            }
            """;

    private static Path extJar(Path folder) throws IOException {
        Files.createDirectories(folder);
        return TestJars.build(folder.resolve("ext-plugin.jar"),
                Map.of("ext.TinyExperiment", EXPERIMENT, "ext.ExtLayer", TestJars.layer("ext.ExtLayer", "ext-layer")),
                Map.of(Experiment.class.getName(), "ext.TinyExperiment", LayerPlugin.class.getName(), "ext.ExtLayer"));
    }

    @Test
    void layersAndExperimentsFromAJarInPluginsAreFoundThroughTheOneLoaderWithTheirJar(@TempDir Path home) throws IOException {
        extJar(home.resolve("plugins"));
        Plugins p = Plugins.find(home, null, List.of());
        assertEquals(List.of(home.resolve("plugins").resolve("ext-plugin.jar")), p.jars());

        LayerRegistry layers = LayerRegistry.load(p.classLoader());
        assertEquals("ext-plugin.jar", layers.origin("ext-layer"));
        assertEquals(PluginServices.BUILT_IN, layers.origin("builtin-test"));
        assertSame(p.classLoader(), layers.get("ext-layer").getClass().getClassLoader());

        ExperimentRegistry experiments = ExperimentRegistry.load(p.classLoader());
        assertEquals("ext-plugin.jar", experiments.origin("ext-tiny"));
        assertEquals("an experiment from a jar", experiments.get("ext-tiny").description());

        // the application class path alone does not see them
        assertFalse(LayerRegistry.load(getClass().getClassLoader()).contains("ext-layer"));
        assertFalse(ExperimentRegistry.load(getClass().getClassLoader()).names().contains("ext-tiny"));
    }

    @Test
    void installedPluginsAreWhatTheNoArgumentLoadsUse(@TempDir Path home) throws IOException {
        extJar(home.resolve("plugins"));
        Plugins p = Plugins.find(home, null, List.of());
        Plugins before = Plugins.install(p);
        try {
            assertSame(p.classLoader(), Plugins.loader());
            assertTrue(LayerRegistry.load().contains("ext-layer"));
            assertTrue(ExperimentRegistry.load().names().contains("ext-tiny"));
        } finally {
            Plugins.install(before);
        }
        assertNull(Plugins.installed());
        assertFalse(LayerRegistry.load().contains("ext-layer"));
    }

    @Test
    void foldersComeFromHomeThePathVariableAndTheCommandLineAndMissingOnesAreClearErrors(@TempDir Path tmp)
            throws IOException {
        Path env1 = tmp.resolve("env1");
        Path cli = tmp.resolve("cli");
        extJar(env1);
        Files.createDirectories(cli);
        Files.writeString(cli.resolve("notes.txt"), "not a jar, ignored");
        Plugins p = Plugins.find(tmp.resolve("no-home"), ":" + env1 + "::", List.of(cli));
        assertEquals(List.of(env1, cli), p.folders());
        assertEquals(List.of(env1.resolve("ext-plugin.jar")), p.jars());

        PnnException e = assertThrows(PnnException.class,
                () -> Plugins.find(tmp, env1 + ":" + tmp.resolve("nowhere"), List.of()));
        assertTrue(e.getMessage().contains("$PNN_PLUGINS") && e.getMessage().contains("nowhere")
                && e.getMessage().contains("does not exist"), e.getMessage());
        e = assertThrows(PnnException.class, () -> Plugins.find(tmp, null, List.of(tmp.resolve("gone"))));
        assertTrue(e.getMessage().contains("--plugins") && e.getMessage().contains("gone"), e.getMessage());
        e = assertThrows(PnnException.class, () -> Plugins.find(tmp, null, List.of(env1.resolve("ext-plugin.jar"))));
        assertTrue(e.getMessage().contains("is not a folder"), e.getMessage());
    }

    @Test
    void aJarThatIsNotAZipIsNamedWithTheFix(@TempDir Path home) throws IOException {
        Path plugins = Files.createDirectories(home.resolve("plugins"));
        Files.writeString(plugins.resolve("broken.jar"), "<html>404</html>");
        PnnException e = assertThrows(PnnException.class, () -> Plugins.find(home, null, List.of()));
        assertTrue(e.getMessage().contains("broken.jar") && e.getMessage().contains("not a readable jar")
                && e.getMessage().contains("remove it"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void anIdTakenByABuiltInOrAnotherJarIsAnErrorNamingTheJars(@TempDir Path tmp) throws IOException {
        Path a = Files.createDirectories(tmp.resolve("a"));
        TestJars.build(a.resolve("clash.jar"), Map.of("c.Clash", TestJars.layer("c.Clash", "builtin-test")),
                Map.of(LayerPlugin.class.getName(), "c.Clash"));
        PnnException e = assertThrows(PnnException.class,
                () -> LayerRegistry.load(Plugins.find(tmp, null, List.of(a)).classLoader()));
        assertTrue(e.getMessage().contains("'builtin-test'") && e.getMessage().contains("clash.jar")
                && e.getMessage().contains("built-in") && e.getMessage().contains("another id"), e.getMessage());

        Path b = Files.createDirectories(tmp.resolve("b"));
        extJar(b);
        Path c = Files.createDirectories(tmp.resolve("c"));
        TestJars.build(c.resolve("other.jar"), Map.of("o.Other", TestJars.layer("o.Other", "ext-layer")),
                Map.of(LayerPlugin.class.getName(), "o.Other"));
        e = assertThrows(PnnException.class, () -> LayerRegistry.load(Plugins.find(tmp, null, List.of(b, c)).classLoader()));
        assertTrue(e.getMessage().contains("ext-plugin.jar") && e.getMessage().contains("other.jar"), e.getMessage());
    }

    @Test
    void twoJarsWithOneProviderClassAreAnErrorInsteadOfTheFirstWinningSilently(@TempDir Path tmp) throws IOException {
        Path a = Files.createDirectories(tmp.resolve("a"));
        Path jar = extJar(a);
        Files.copy(jar, a.resolve("ext-plugin-0.9.jar"));
        PnnException e = assertThrows(PnnException.class, () -> Plugins.find(tmp, null, List.of(a)));
        assertTrue(e.getMessage().contains("ext-plugin.jar") && e.getMessage().contains("ext-plugin-0.9.jar")
                && e.getMessage().contains("remove one"), e.getMessage());
    }

    @Test
    void aListedProviderThatIsMissingNamesTheService(@TempDir Path tmp) throws IOException {
        Path a = Files.createDirectories(tmp.resolve("a"));
        TestJars.build(a.resolve("half.jar"), Map.of("h.Present", TestJars.layer("h.Present", "present")),
                Map.of(LayerPlugin.class.getName(), "h.Missing"));
        ClassLoader cl = Plugins.find(tmp, null, List.of(a)).classLoader();
        assertNotSame(getClass().getClassLoader(), cl);
        PnnException e = assertThrows(PnnException.class, () -> LayerRegistry.load(cl));
        assertTrue(e.getMessage().contains("h.Missing") && e.getMessage().contains("layer plugin"), e.getMessage());
    }
}
