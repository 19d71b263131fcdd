package org.pnnlab.api.plugin;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;
import org.pnnlab.api.PnnException;

/** Loads a {@link ServiceLoader} service through a class loader and records where each provider came from. */
public final class PluginServices {
    /** The origin of a provider that ships with the application. */
    public static final String BUILT_IN = "built-in";

    private PluginServices() {
    }

    /** One provider and where it came from: its plugin jar's file name, or {@value #BUILT_IN}. */
    public record Provided<S>(S service, String origin) {
        /** "class (origin)", for messages. */
        public String describe() {
            return service.getClass().getName() + " (" + origin + ")";
        }
    }

    /**
     * Every provider of {@code service} visible to {@code loader}, in the loader's order (built-in ones first).
     * A provider that cannot be loaded or created is an error naming it, its jar and what it lacks.
     *
     * @param what the kind of provider in messages, e.g. "layer plugin"
     */
    public static <S> List<Provided<S>> load(Class<S> service, ClassLoader loader, String what) {
        List<Provided<S>> found = new ArrayList<>();
        Iterator<ServiceLoader.Provider<S>> it = ServiceLoader.load(service, loader).stream().iterator();
        while (true) {
            ServiceLoader.Provider<S> p;
            try {
                if (!it.hasNext()) break;
                p = it.next();
            } catch (ServiceConfigurationError | LinkageError e) {
                throw new PnnException("a " + what + " listed in META-INF/services/" + service.getName()
                        + " cannot be loaded (" + e.getMessage() + "); rebuild or remove the plugin jar that lists it", e);
            }
            String origin = Plugins.origin(p.type());
            try {
                found.add(new Provided<>(p.get(), origin));
            } catch (ServiceConfigurationError | LinkageError e) {
                Throwable root = e.getCause() != null ? e.getCause() : e;
                throw new PnnException(what + " " + p.type().getName() + " from " + origin + " cannot be created (" + root
                        + "); the jar must contain or find every class it uses (e.g. bundle its libraries into it)", e);
            }
        }
        return found;
    }

    /**
     * The providers by key (sorted). Two providers with one key are an error naming both classes and where they
     * came from, with the fix.
     *
     * @param keyWord what the key is called in messages, e.g. "id" or "name"
     */
    public static <S> Map<String, Provided<S>> byKey(List<Provided<S>> providers, Function<S, String> key, String what,
                                                       String keyWord) {
        Map<String, Provided<S>> map = new TreeMap<>();
        for (Provided<S> p : providers) {
            String k = key.apply(p.service());
            Provided<S> old = map.put(k, p);
            if (old != null) throw clash(what, keyWord, k, old, p);
        }
        return map;
    }

    private static PnnException clash(String what, String keyWord, String key, Provided<?> a, Provided<?> b) {
        boolean aBuiltIn = a.origin().equals(BUILT_IN);
        boolean bBuiltIn = b.origin().equals(BUILT_IN);
        String fix;
        if (aBuiltIn && bBuiltIn) {
            fix = "remove one of them from the class path";
        } else if (aBuiltIn || bBuiltIn) {
            String jar = aBuiltIn ? b.origin() : a.origin();
            fix = "a built-in one has that " + keyWord + ": give the plugin in " + jar + " another " + keyWord
                    + ", or remove " + jar + " from the plugin folder";
        } else {
            fix = "remove one of the jars from the plugin folders, or give one of the plugins another " + keyWord;
        }
        return new PnnException("two " + what + "s claim the " + keyWord + " '" + key + "': " + a.describe() + " and "
                + b.describe() + "; " + fix);
    }
}
