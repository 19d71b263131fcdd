package org.pnnlab.experiments.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pnnlab.api.LayerPlugin;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.plugin.Plugins;
import org.pnnlab.models.SavedModels;

/**
 * What a new user does (README, "Writing a layer plugin"): a Maven project outside PNN Lab with a pom that
 * depends on pnn-api (provided), one class and one services line; {@code mvn package}; the jar into a plugins
 * folder; {@code pnn list} and a first run with {@code --layer mine}; the saved model loads with the jar and is
 * one clear error without it. The project's files are test resources that the README shows verbatim.
 *
 * <p>The child Maven build works offline on a fresh clone: pnn-api (as built by this build) and the parent pom
 * are laid out in a temporary local repository, and every other artifact comes read-only from this build's
 * own local repository through a {@code file://} mirror ({@code -o -Daether.offline.protocols=file}).
 */
class ExternalPluginTest {
    private static final String RESOURCES = "/external-plugin/";
    private static final String SWISH = "org.example.mylayer.MyLayerPlugin$Swish";

    @Test
    void aLayerPluginBuiltOutsideTheProjectTrainsFromItsJarAndItsSavedModelNeedsTheJar(@TempDir Path tmp)
            throws IOException, InterruptedException, URISyntaxException {
        Path mvn = onPath("mvn");
        Assumptions.assumeTrue(mvn != null, "skipped: no mvn on PATH to build the external plugin project with");
        Path root = projectRoot();
        Path project = writeProject(tmp.resolve("my-layer"));
        Path jar = mavenPackage(mvn, root, tmp, project);
        assertEquals("my-layer-1.0.jar", jar.getFileName().toString());
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        Files.copy(jar, plugins.resolve(jar.getFileName()));

        CliTest.Result list = CliTest.cli("--plugins", plugins.toString(), "list");
        assertEquals(0, list.code(), list.err());
        assertTrue(list.out().lines().anyMatch(l -> l.trim().startsWith("mine ") && l.contains("3x3 convolution + swish")
                && l.endsWith("[from my-layer-1.0.jar]")), list.out());

        Path run = firstRun(plugins, tmp.resolve("runs"));
        Path zip = run.resolve("model.zip");
        assertTrue(Files.isRegularFile(zip), "no model.zip in " + run);

        // without the jar: one line naming the class and where the jar goes
        PnnException e = assertThrows(PnnException.class, () -> SavedModels.load(zip));
        assertTrue(e.getMessage().contains(SWISH) && e.getMessage().contains("--plugins"), e.getMessage());
        CliTest.Result evaluate = CliTest.cli("evaluate", run.toString(), "--attack", "clean", "--limit", "10");
        CliTest.assertUserError(evaluate, SWISH, "plugins/", "$PNN_PLUGINS", "--plugins");
        assertEquals(1, evaluate.err().lines().count(), evaluate.err());

        // with it: the network comes back with the plugin's own layer class
        Plugins before = Plugins.install(Plugins.find(tmp, null, List.of(plugins)));
        try {
            ComputationGraph net = SavedModels.load(zip);
            Class<?> swish = net.getConfiguration().getVertices().values().stream()
                    .filter(v -> v instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof BaseLayer)
                    .map(v -> ((BaseLayer) ((LayerVertex) v).getLayerConf().getLayer()).getActivationFn().getClass())
                    .filter(c -> c.getName().equals(SWISH)).findFirst().orElse(null);
            assertNotNull(swish, "no layer with the " + SWISH + " activation in the loaded network");
            assertNotSame(getClass().getClassLoader(), swish.getClassLoader());
        } finally {
            Plugins.install(before);
        }
    }

    /** A first run with the plugin's layer, as in the README (kept in one place: the flags follow the CLI). */
    private static Path firstRun(Path plugins, Path runs) throws IOException {
        CliTest.Result r = CliTest.cli("--plugins", plugins.toString(), "run", "mnist-lenet-perturb", "--layer", "mine",
                "--dataset", "mnist-subset", "--epochs", "1", "--train-limit", "256", "--no-download",
                "--runs-dir", runs.toString());
        assertEquals(0, r.code(), r.err());
        try (Stream<Path> s = Files.list(runs.resolve("mnist-lenet-perturb"))) {
            List<Path> dirs = s.toList();
            assertEquals(1, dirs.size(), dirs.toString());
            return dirs.get(0);
        }
    }

    @Test
    void theReadmeShowsTheProjectFilesOfThisTestVerbatim() throws IOException {
        String readme = Files.readString(projectRoot().resolve("README.md"));
        for (String f : List.of("pom.xml", "MyLayerPlugin.java", "org.pnnlab.api.LayerPlugin")) {
            assertTrue(readme.contains(resource(f)), "README.md does not show " + RESOURCES + f + " as it is");
        }
        String version = parentVersion(projectRoot());
        assertTrue(resource("pom.xml").contains("<artifactId>pnn-api</artifactId><version>" + version + "</version>"),
                "the example pom should depend on pnn-api " + version);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ExternalPluginTest.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) throw new IllegalStateException("missing test resource " + RESOURCES + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Path writeProject(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("pom.xml"), resource("pom.xml"));
        Path src = Files.createDirectories(dir.resolve("src/main/java/org/example/mylayer"));
        Files.writeString(src.resolve("MyLayerPlugin.java"), resource("MyLayerPlugin.java"));
        Path services = Files.createDirectories(dir.resolve("src/main/resources/META-INF/services"));
        Files.writeString(services.resolve("org.pnnlab.api.LayerPlugin"), resource("org.pnnlab.api.LayerPlugin"));
        return dir;
    }

    /** {@code mvn -o -q package} in {@code project}, against a local repository holding this build's pnn-api. */
    private static Path mavenPackage(Path mvn, Path root, Path tmp, Path project)
            throws IOException, InterruptedException, URISyntaxException {
        String version = parentVersion(root);
        Path repo = tmp.resolve("m2");
        Path parentDir = Files.createDirectories(repo.resolve("org/pnnlab/pnn-parent/" + version));
        Files.copy(root.resolve("pom.xml"), parentDir.resolve("pnn-parent-" + version + ".pom"));
        Path apiDir = Files.createDirectories(repo.resolve("org/pnnlab/pnn-api/" + version));
        Files.copy(root.resolve("pnn-api/pom.xml"), apiDir.resolve("pnn-api-" + version + ".pom"));
        writeApiJar(apiDir.resolve("pnn-api-" + version + ".jar"));
        String buildRepo = System.getProperty("pnn.test.localRepository",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString());
        Path settings = tmp.resolve("settings.xml");
        Files.writeString(settings, """
                <settings>
                  <localRepository>%s</localRepository>
                  <mirrors>
                    <mirror><id>pnn-build-repository</id><mirrorOf>*</mirrorOf><url>%s</url></mirror>
                  </mirrors>
                </settings>
                """.formatted(repo.toAbsolutePath(), Path.of(buildRepo).toUri()));
        Path log = tmp.resolve("mvn.log");
        Process p = new ProcessBuilder(mvn.toString(), "-o", "-B", "-q", "-s", settings.toString(),
                "-Daether.offline.protocols=file", "package").directory(project.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("mvn package of the external plugin took over 5 minutes");
        }
        assertEquals(0, p.exitValue(), () -> "mvn package of the external plugin failed:\n" + read(log));
        return project.resolve("target/my-layer-1.0.jar");
    }

    /** pnn-api as this build made it: its jar, or (when tests run before packaging) its classes put in a jar. */
    private static void writeApiJar(Path target) throws IOException, URISyntaxException {
        Path built = Path.of(LayerPlugin.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!Files.isDirectory(built)) {
            Files.copy(built, target);
            return;
        }
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(target)); Stream<Path> files = Files.walk(built)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(built.relativize(f).toString().replace(File.separatorChar, '/')));
                Files.copy(f, out);
            }
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    static String parentVersion(Path root) throws IOException {
        Matcher m = Pattern.compile("<artifactId>pnn-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(root.resolve("pom.xml")));
        if (!m.find()) throw new IllegalStateException("no pnn-parent version in " + root.resolve("pom.xml"));
        return m.group(1);
    }

    /** The checkout: the parent of this module's folder (the tests' working directory). */
    static Path projectRoot() {
        Path root = Path.of("").toAbsolutePath().getParent();
        if (root == null || !Files.isRegularFile(root.resolve("pom.xml")) || !Files.isDirectory(root.resolve("pnn-api"))) {
            throw new IllegalStateException("run the tests from the pnn-experiments folder (working directory "
                    + Path.of("").toAbsolutePath() + ")");
        }
        return root;
    }

    static Path onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isBlank()) continue;
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p) && !Files.isDirectory(p)) return p;
        }
        return null;
    }
}
