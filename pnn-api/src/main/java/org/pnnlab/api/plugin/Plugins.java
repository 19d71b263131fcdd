package org.pnnlab.api.plugin;

import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.pnnlab.api.PnnException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugin jars of one process and the one class loader over them (its parent: the loader of the framework
 * itself, so plugins see pnn-api, DL4J and everything else the application ships).
 *
 * <p>Jars are looked for, in this order, in {@code plugins/} under the PNN home (system property
 * {@value #HOME_PROPERTY}, else the working directory; the folder may be missing), in each folder of
 * {@code $}{@value #ENV} (a {@code ':'}-separated path list) and in each folder given on the command line
 * ({@code --plugins DIR}); those folders must exist. Only {@code *.jar} files directly in a folder count,
 * in name order; each must be a readable jar.
 *
 * <p>The command line {@link #install installs} one instance for the process; registries' no-argument
 * {@code load()} then use {@link #loader()}.
 */
public final class Plugins {
    /** System property naming the PNN Lab checkout whose {@code plugins/} folder is searched. */
    public static final String HOME_PROPERTY = "pnn.home";
    /** Environment variable: more plugin folders, separated by {@code ':'}. */
    public static final String ENV = "PNN_PLUGINS";
    /** Where a plugin jar can go, for messages ("put its jar in " + WHERE). */
    public static final String WHERE = "plugins/ (next to ./pnn), a folder of $" + ENV
            + " or a folder given with --plugins DIR";

    private static final String SERVICES = "META-INF/services/";
    private static final Logger LOG = LoggerFactory.getLogger(Plugins.class);
    private static volatile @Nullable Plugins installed;

    private final List<Path> folders;
    private final List<Path> jars;
    private final ClassLoader classLoader;

    private Plugins(List<Path> folders, List<Path> jars) {
        this.folders = List.copyOf(folders);
        this.jars = List.copyOf(jars);
        URL[] urls = new URL[jars.size()];
        for (int i = 0; i < urls.length; i++) {
            try {
                urls[i] = jars.get(i).toUri().toURL();
            } catch (MalformedURLException e) {
                throw new PnnException("plugin jar " + jars.get(i) + " has no usable file URL: " + e.getMessage(), e);
            }
        }
        this.classLoader = new PluginClassLoader(urls, Plugins.class.getClassLoader());
    }

    /** No plugin jars: the loader sees only what the application ships. */
    public static Plugins none() {
        return new Plugins(List.of(), List.of());
    }

    /**
     * The plugins of this process: {@code plugins/} under {@code -D}{@value #HOME_PROPERTY} (else the working
     * directory), the folders of {@code $}{@value #ENV}, then {@code extraFolders}.
     */
    public static Plugins fromEnvironment(List<Path> extraFolders) {
        String home = System.getProperty(HOME_PROPERTY);
        return find(Paths.get(home != null && !home.isBlank() ? home : "."), System.getenv(ENV), extraFolders);
    }

    /** Finds the jars in {@code home/plugins} (optional), the folders of {@code envPath} and {@code extraFolders}. */
    public static Plugins find(Path home, @Nullable String envPath, List<Path> extraFolders) {
        List<Path> folders = new ArrayList<>();
        Path own = home.resolve("plugins");
        if (Files.isDirectory(own)) folders.add(own);
        if (envPath != null) {
            for (String part : envPath.split(File.pathSeparator)) {
                if (part.isBlank()) continue;
                folders.add(requireFolder(Paths.get(part.trim()), "$" + ENV + " names"));
            }
        }
        for (Path p : extraFolders) folders.add(requireFolder(p, "--plugins names"));
        List<Path> jars = new ArrayList<>();
        for (Path folder : folders) jars.addAll(jarsIn(folder));
        rejectSameProviderTwice(jars);
        if (!jars.isEmpty()) LOG.debug("plugin jars: {}", jars);
        return new Plugins(folders, jars);
    }

    private static Path requireFolder(Path p, String who) {
        if (!Files.isDirectory(p)) {
            throw new PnnException(who + " the plugin folder " + p + ", which " + (Files.exists(p)
                    ? "is not a folder; give the folder that holds the plugin jars" : "does not exist; create it and put "
                    + "the plugin jars in it, or fix the path"));
        }
        return p;
    }

    private static List<Path> jarsIn(Path folder) {
        List<Path> jars;
        try (Stream<Path> s = Files.list(folder)) {
            jars = s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jar"))
                    .filter(p -> !Files.isDirectory(p)).sorted().toList();
        } catch (IOException e) {
            throw new PnnException("cannot list the plugin folder " + folder + ": " + e.getMessage(), e);
        }
        for (Path jar : jars) {
            try (JarFile j = new JarFile(jar.toFile())) {
                j.size(); // opening reads the central directory: a file that is no zip fails here
            } catch (IOException e) {
                throw new PnnException("plugin jar " + jar + " is not a readable jar file (" + e.getMessage()
                        + "); replace it with the jar your plugin build made (target/*.jar) or remove it from " + folder, e);
            }
        }
        return jars;
    }

    /**
     * Two jars listing one provider class (two versions of one plugin, or a copy): the class would silently come
     * from the first jar only, so that is an error naming both.
     */
    private static void rejectSameProviderTwice(List<Path> jars) {
        Map<String, Path> seen = new HashMap<>();
        for (Path jar : jars) {
            try (JarFile j = new JarFile(jar.toFile())) {
                for (JarEntry e : Collections.list(j.entries())) {
                    if (e.isDirectory() || !e.getName().startsWith(SERVICES)) continue;
                    String service = e.getName().substring(SERVICES.length());
                    String text = new String(j.getInputStream(e).readAllBytes(), StandardCharsets.UTF_8);
                    for (String line : text.split("\\R")) {
                        String provider = line.replaceAll("#.*", "").trim();
                        if (provider.isEmpty()) continue;
                        Path other = seen.putIfAbsent(service + " " + provider, jar);
                        if (other != null && !other.equals(jar)) {
                            throw new PnnException("plugin jars " + other + " and " + jar + " both provide " + provider
                                    + " (two versions or copies of one plugin?); remove one of them");
                        }
                    }
                }
            } catch (IOException e) {
                throw new PnnException("cannot read the plugin jar " + jar + ": " + e.getMessage(), e);
            }
        }
    }

    /** The folders searched (those that exist). */
    public List<Path> folders() {
        return folders;
    }

    /** The plugin jars found, in load order. */
    public List<Path> jars() {
        return jars;
    }

    /** The one class loader over the plugin jars; hand it to every registry. */
    public ClassLoader classLoader() {
        return classLoader;
    }

    /** Makes {@code plugins} the process's plugins; returns the ones installed before (null: none), for restoring. */
    public static @Nullable Plugins install(@Nullable Plugins plugins) {
        Plugins old = installed;
        installed = plugins;
        return old;
    }

    /** The installed plugins, or null. */
    public static @Nullable Plugins installed() {
        return installed;
    }

    /**
     * The class loader registries load from when none is given: the installed plugins' loader, else the thread's
     * context class loader, else the framework's own.
     */
    public static ClassLoader loader() {
        Plugins p = installed;
        if (p != null) return p.classLoader;
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return cl != null ? cl : Plugins.class.getClassLoader();
    }

    /** Where a class came from: the file name of its plugin jar, or {@value PluginServices#BUILT_IN}. */
    public static String origin(Class<?> type) {
        if (!(type.getClassLoader() instanceof PluginClassLoader)) return PluginServices.BUILT_IN;
        CodeSource cs = type.getProtectionDomain().getCodeSource();
        if (cs == null || cs.getLocation() == null) return "a plugin jar";
        String path = cs.getLocation().getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    @Override
    public String toString() {
        return jars.isEmpty() ? "no plugin jars" : "plugin jars " + jars;
    }

    /** The loader type marks classes that came from a plugin jar. */
    private static final class PluginClassLoader extends URLClassLoader {
        static {
            registerAsParallelCapable();
        }

        PluginClassLoader(URL[] urls, ClassLoader parent) {
            super("pnn-plugins", urls, parent);
        }
    }
}
