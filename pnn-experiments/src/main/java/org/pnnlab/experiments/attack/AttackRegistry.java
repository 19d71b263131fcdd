package org.pnnlab.experiments.attack;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.pnnlab.api.PnnException;

/** The attacks visible to a class loader, by name, in the order the services files list them. */
public final class AttackRegistry {
    private final Map<String, AttackPlugin> attacks;

    private AttackRegistry(Map<String, AttackPlugin> attacks) {
        this.attacks = Collections.unmodifiableMap(attacks);
    }

    /** The attacks found through the thread's context class loader (the application and plugin jars). */
    public static AttackRegistry load() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return load(cl != null ? cl : AttackRegistry.class.getClassLoader());
    }

    public static AttackRegistry load(ClassLoader loader) {
        try {
            return of(ServiceLoader.load(AttackPlugin.class, loader).stream().map(ServiceLoader.Provider::get).toList());
        } catch (ServiceConfigurationError e) {
            throw new PnnException("an attack plugin could not be loaded: " + e.getMessage(), e);
        }
    }

    public static AttackRegistry of(Collection<? extends AttackPlugin> list) {
        Map<String, AttackPlugin> map = new LinkedHashMap<>();
        for (AttackPlugin a : list) {
            AttackPlugin old = map.put(a.name(), a);
            if (old != null) {
                throw new PnnException("two attacks claim the name '" + a.name() + "': " + old.getClass().getName()
                        + " and " + a.getClass().getName() + "; remove one of them");
            }
        }
        return new AttackRegistry(map);
    }

    public AttackPlugin get(String name) {
        AttackPlugin a = attacks.get(name);
        if (a == null) {
            throw new PnnException("unknown attack '" + name + "'; known attacks: " + String.join(", ", names()));
        }
        return a;
    }

    /** Fails unless {@code name} is an attack a run can evaluate on its own after training (no transfer source). */
    public void checkAfterTraining(String name) {
        if (get(name).kind() == AttackPlugin.Kind.TRANSFER) {
            throw new PnnException("attack '" + name + "' needs a second run as its source; after training use "
                    + String.join(", ", attacks.values().stream().filter(a -> a.kind() != AttackPlugin.Kind.TRANSFER)
                    .map(AttackPlugin::name).toList()) + ", and run it with 'pnn evaluate RUN_DIR --attack " + name
                    + " --transfer-from SOURCE_RUN'");
        }
    }

    public List<String> names() {
        return List.copyOf(attacks.keySet());
    }

    public Collection<AttackPlugin> all() {
        return attacks.values();
    }
}
