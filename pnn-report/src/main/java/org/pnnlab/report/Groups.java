package org.pnnlab.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.pnnlab.api.run.Condition;
import org.pnnlab.api.run.RunConfig;
import org.pnnlab.api.run.RunRecord;

/**
 * Runs grouped by their whole configuration but the seed ({@link RunConfig#configHash()}): a group never mixes
 * configurations. Within a group each seed counts once: a repeated seed (a rerun saved as {@code ...-r2}) is a
 * repeat; the run that counts is the first completed one (by start time, then run id), or the first one when none
 * completed.
 */
final class Groups {
    /** Fields that are not settings of a group: the seed varies inside it. */
    private static final Set<String> NOT_SETTINGS = Set.of("seed");

    /** Order of runs of one seed: first started first, the original id before its {@code -r2}. */
    private static final Comparator<RunRecord> FIRST = Comparator.comparing(RunRecord::startedAt)
            .thenComparing(r -> r.runId().length()).thenComparing(RunRecord::runId);

    private Groups() {
    }

    /**
     * One configuration's runs.
     *
     * @param configHash the configuration hash shared by the runs
     * @param config the configuration (of the first run; the seed is not meaningful)
     * @param counted one run per seed, by seed
     * @param repeats the runs of a seed already counted, not used in any statistic
     */
    record Group(String configHash, RunConfig config, List<RunRecord> counted, List<RunRecord> repeats) {
        Group {
            counted = List.copyOf(counted);
            repeats = List.copyOf(repeats);
        }

        String experiment() {
            return config.experiment();
        }

        String layer() {
            return config.layer();
        }

        Condition condition() {
            return config.condition();
        }

        /** Every run of the group, counted ones first. */
        List<RunRecord> all() {
            List<RunRecord> out = new ArrayList<>(counted);
            out.addAll(repeats);
            return out;
        }

        /** The counted runs' accuracies ({@link Accuracy#of}), by seed; seeds without a result are absent. */
        Map<Long, Double> accuracyBySeed() {
            Map<Long, Double> out = new TreeMap<>();
            for (RunRecord r : counted) {
                Double a = Accuracy.of(r);
                if (a != null) out.put(r.seed(), a);
            }
            return out;
        }
    }

    /** The groups of {@code runs}, ordered by experiment, layer, condition, then configuration hash. */
    static List<Group> of(List<RunRecord> runs) {
        Map<String, List<RunRecord>> byHash = new LinkedHashMap<>();
        for (RunRecord r : runs) byHash.computeIfAbsent(r.config().configHash(), k -> new ArrayList<>()).add(r);
        List<Group> out = new ArrayList<>();
        for (Map.Entry<String, List<RunRecord>> e : byHash.entrySet()) {
            Map<Long, List<RunRecord>> bySeed = new TreeMap<>();
            for (RunRecord r : e.getValue()) bySeed.computeIfAbsent(r.seed(), k -> new ArrayList<>()).add(r);
            List<RunRecord> counted = new ArrayList<>();
            List<RunRecord> repeats = new ArrayList<>();
            for (List<RunRecord> same : bySeed.values()) {
                same.sort(FIRST);
                RunRecord chosen = same.stream().filter(r -> RunRecord.COMPLETED.equals(r.status())).findFirst()
                        .orElse(same.get(0));
                counted.add(chosen);
                for (RunRecord r : same) if (r != chosen) repeats.add(r);
            }
            out.add(new Group(e.getKey(), e.getValue().get(0).config(), counted, repeats));
        }
        out.sort(Comparator.comparing(Group::experiment).thenComparing(Group::layer, ConditionTables.LAYER_ORDER)
                .thenComparing(Group::condition).thenComparing(Group::configHash));
        return out;
    }

    /**
     * What tells each group apart from the other groups of the same experiment, layer and condition: the settings
     * whose values differ among them, as {@code name=value} joined by commas ({@code optim.lr=0.01}); the empty string
     * for a group that is alone with its experiment, layer and condition.
     */
    static Map<Group, String> distinctions(List<Group> groups) {
        Map<List<Object>, List<Group>> clashes = new LinkedHashMap<>();
        for (Group g : groups) {
            clashes.computeIfAbsent(List.of(g.experiment(), g.layer(), g.condition()), k -> new ArrayList<>()).add(g);
        }
        Map<Group, String> out = new LinkedHashMap<>();
        for (List<Group> same : clashes.values()) {
            Map<Group, String> d = differingSettings(same, NOT_SETTINGS);
            out.putAll(d);
        }
        return out;
    }

    /**
     * For each group, its values of the settings (fields other than {@code ignored} and those starting with an
     * ignored prefix followed by a dot) that are not equal in all of {@code groups}, as {@code name=value, ...}.
     */
    static Map<Group, String> differingSettings(List<Group> groups, Set<String> ignored) {
        Map<Group, Map<String, String>> fields = new LinkedHashMap<>();
        Set<String> names = new LinkedHashSet<>();
        for (Group g : groups) {
            Map<String, String> f = new LinkedHashMap<>(ConfigFields.of(g.config()));
            f.keySet().removeIf(k -> ignored(k, ignored));
            fields.put(g, f);
            names.addAll(f.keySet());
        }
        List<String> differing = new ArrayList<>();
        for (String n : names) {
            if (fields.values().stream().map(f -> f.get(n)).distinct().count() > 1) differing.add(n);
        }
        Map<Group, String> out = new LinkedHashMap<>();
        for (Group g : groups) {
            List<String> parts = new ArrayList<>();
            for (String n : differing) parts.add(n + "=" + Objects.requireNonNullElse(fields.get(g).get(n), "(absent)"));
            out.put(g, String.join(", ", parts));
        }
        return out;
    }

    static boolean ignored(String field, Set<String> ignored) {
        for (String i : ignored) if (field.equals(i) || field.startsWith(i + ".") || field.startsWith(i + "[")) return true;
        return false;
    }
}
