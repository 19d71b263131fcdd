package org.pnnlab.experiments.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.pnnlab.api.plugin.PluginServices;
import org.pnnlab.api.plugin.Plugins;

/**
 * The plugin jars of one command: found once ({@code plugins/} under {@code -Dpnn.home}, {@code $PNN_PLUGINS},
 * {@code --plugins DIR}), installed as the process's plugins and as the thread's context class loader (so DL4J
 * finds plugin layer classes by name when it reads a saved model) for the command, and put back afterwards.
 */
final class CliPlugins implements AutoCloseable {
    static final String OPTION = "--plugins";

    private final Plugins plugins;
    private final @Nullable Plugins previous;
    private final ClassLoader previousContext;

    private CliPlugins(Plugins plugins) {
        this.plugins = plugins;
        this.previous = Plugins.install(plugins);
        this.previousContext = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(plugins.classLoader());
    }

    /** Finds the jars (a bad jar or a missing folder is a PnnException) and installs them. */
    static CliPlugins open(List<Path> folders) {
        return new CliPlugins(Plugins.fromEnvironment(folders));
    }

    /**
     * {@code --plugins DIR} is a global option but may be written after the command too: every occurrence
     * ({@code --plugins DIR} or {@code --plugins=DIR}) is moved to the front, where the global options are parsed.
     */
    static String[] hoist(String[] args) {
        List<String> front = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals(OPTION) && i + 1 < args.length) {
                front.add(args[i]);
                front.add(args[++i]);
            } else if (args[i].startsWith(OPTION + "=")) {
                front.add(OPTION);
                front.add(args[i].substring(OPTION.length() + 1));
            } else {
                rest.add(args[i]);
            }
        }
        front.addAll(rest);
        return front.toArray(String[]::new);
    }

    /** " [from x.jar]" for a plugin's item in 'pnn list', nothing for a built-in one. */
    static String from(String origin) {
        return origin.equals(PluginServices.BUILT_IN) ? "" : "  [from " + origin + "]";
    }

    /** The first line of 'pnn list': which plugin jars were loaded, or where they would go. */
    String summary() {
        if (plugins.jars().isEmpty()) {
            return "Plugin jars: none (put a plugin's jar in " + Plugins.WHERE + ")";
        }
        return "Plugin jars: " + String.join(", ", plugins.jars().stream().map(Path::toString).toList());
    }

    @Override
    public void close() {
        Thread.currentThread().setContextClassLoader(previousContext);
        Plugins.install(previous);
    }
}
