package org.pnnlab.experiments.attack;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.plugin.PluginServices;
import org.pnnlab.api.plugin.PluginServices.Provided;
import org.pnnlab.api.plugin.Plugins;

/**
 * The attacks visible to a class loader (built in and from plugin jars), by name. Two attacks claiming one name is
 * an error naming both classes and their jars; an unknown name is an error listing the known ones.
 */
public final class AttackRegistry {
    private final Map<String, Provided<AttackPlugin>> attacks;

    private AttackRegistry(Map<String, Provided<AttackPlugin>> attacks) {
        this.attacks = Collections.unmodifiableMap(attacks);
    }

    /** The attacks found through {@link Plugins#loader()}: the installed plugin jars, else the application class path. */
    public static AttackRegistry load() {
        return load(Plugins.loader());
    }

    public static AttackRegistry load(ClassLoader loader) {
        return new AttackRegistry(PluginServices.byKey(PluginServices.load(AttackPlugin.class, loader, "attack"),
                AttackPlugin::name, "attack", "name"));
    }

    /** A registry of exactly these attacks (tests, embedding). */
    public static AttackRegistry of(Collection<? extends AttackPlugin> list) {
        List<Provided<AttackPlugin>> provided = new ArrayList<>();
        for (AttackPlugin a : list) provided.add(new Provided<>(a, Plugins.origin(a.getClass())));
        return new AttackRegistry(PluginServices.byKey(provided, AttackPlugin::name, "attack", "name"));
    }

    public AttackPlugin get(String name) {
        Provided<AttackPlugin> a = attacks.get(name);
        if (a == null) {
            throw new PnnException("unknown attack '" + name + "'; known attacks: " + String.join(", ", names())
                    + " (for a plugin's attack, put its jar in " + Plugins.WHERE + ")");
        }
        return a.service();
    }

    /** Fails unless {@code name} is an attack a run can evaluate on its own after training (no transfer source). */
    public void checkAfterTraining(String name) {
        if (get(name).kind() == AttackPlugin.Kind.TRANSFER) {
            throw new PnnException("attack '" + name + "' needs a second run as its source; after training use "
                    + String.join(", ", all().stream().filter(a -> a.kind() != AttackPlugin.Kind.TRANSFER)
                    .map(AttackPlugin::name).toList()) + ", and run it with 'pnn evaluate RUN_DIR --attack " + name
                    + " --transfer-from SOURCE_RUN'");
        }
    }

    /** Where the attack came from: its jar's file name, or {@value PluginServices#BUILT_IN}. */
    public String origin(String name) {
        get(name);
        return attacks.get(name).origin();
    }

    /** Names in alphabetical order. */
    public List<String> names() {
        return List.copyOf(attacks.keySet());
    }

    public Collection<AttackPlugin> all() {
        return attacks.values().stream().map(Provided::service).toList();
    }
}
