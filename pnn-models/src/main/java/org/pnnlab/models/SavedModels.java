package org.pnnlab.models;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.jspecify.annotations.Nullable;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.plugin.Plugins;

/**
 * Reads a saved network ({@code model.zip}). Layers from plugin jars are found through {@link Plugins#loader()}
 * (DL4J's JSON reader resolves layer classes by name through the thread's context class loader, which is set to
 * it for the call). A layer class that no jar provides is one line naming the class and where its jar goes.
 *
 * <p>DL4J's JSON reader is static and remembers a class once it has resolved its name, so within one process a
 * plugin layer class, once loaded, keeps coming from the same jar.
 */
public final class SavedModels {
    private static final Pattern TYPE_ID = Pattern.compile("type id '([\\w.$]+)'");

    private SavedModels() {
    }

    /** The network in {@code zip}, without its updater state. */
    public static ComputationGraph load(Path zip) {
        return load(zip, false);
    }

    /** The network in {@code zip}, with its updater state if {@code withUpdater} (resuming training). */
    public static ComputationGraph load(Path zip, boolean withUpdater) {
        if (!Files.isRegularFile(zip)) throw new PnnException(zip + " does not exist or is not a file");
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(Plugins.loader());
        try {
            return ModelSerializer.restoreComputationGraph(zip.toFile(), withUpdater);
        } catch (IOException | RuntimeException | LinkageError x) {
            String missing = missingClass(x);
            if (missing != null) {
                throw new PnnException(zip + " uses the class " + missing + ", which no loaded jar provides: the network "
                        + "was trained with a plugin; put that plugin's jar in " + Plugins.WHERE, x);
            }
            throw new PnnException(zip + " cannot be read as a saved network (" + x.getMessage() + "); the file is damaged "
                    + "or was not written by pnn", x);
        } finally {
            t.setContextClassLoader(before);
        }
    }

    /**
     * The class name a failed read could not resolve, found anywhere in the causes (DL4J's shaded Jackson says
     * "Could not resolve type id 'a.b.C'"); null if that is not why it failed.
     */
    public static @Nullable String missingClass(Throwable failure) {
        for (Throwable c = failure; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof ClassNotFoundException e && e.getMessage() != null) return e.getMessage().trim();
            if (c instanceof NoClassDefFoundError e && e.getMessage() != null) return e.getMessage().trim().replace('/', '.');
            if (c.getMessage() != null) {
                Matcher m = TYPE_ID.matcher(c.getMessage());
                if (m.find() && m.group(1).contains(".")) return m.group(1);
            }
        }
        return null;
    }
}
