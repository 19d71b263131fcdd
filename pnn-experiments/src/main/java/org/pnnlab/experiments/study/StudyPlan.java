package org.pnnlab.experiments.study;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The table printed by {@code pnn study plan}: one line per cell with its status in a runs folder, then the counts. */
public final class StudyPlan {
    private StudyPlan() {
    }

    /** The statuses of the cells, in grid order. */
    public static List<CellStatus> statuses(Study study, Path runsDir) {
        return study.cells().stream().map(c -> c.status(runsDir)).toList();
    }

    public static String render(Study study, Path runsDir) {
        List<CellStatus> statuses = statuses(study, runsDir);
        boolean models = study.cells().stream().anyMatch(c -> c.model() != null);
        List<String[]> rows = new ArrayList<>();
        rows.add(models ? new String[] {"EXPERIMENT", "MODEL", "LAYER", "CONDITION", "SEED", "RUN ID", "STATUS"}
                : new String[] {"EXPERIMENT", "LAYER", "CONDITION", "SEED", "RUN ID", "STATUS"});
        for (int i = 0; i < study.cells().size(); i++) {
            StudyCell c = study.cells().get(i);
            String seed = Long.toString(c.seed());
            String status = statuses.get(i).label();
            rows.add(models ? new String[] {c.experiment(), c.model(), c.layer(), c.condition(), seed, c.runId(), status}
                    : new String[] {c.experiment(), c.layer(), c.condition(), seed, c.runId(), status});
        }
        int[] width = new int[rows.get(0).length];
        for (String[] r : rows) for (int j = 0; j < r.length; j++) width[j] = Math.max(width[j], r[j].length());
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "study %s (%s): %d cells, baseline arm %s, runs in %s%n", study.name(),
                study.file(), study.cells().size(), study.baseline(), runsDir));
        for (String note : study.notes()) sb.append("note: ").append(note).append('\n');
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int j = 0; j < r.length; j++) {
                line.append(j == r.length - 1 ? r[j] : String.format(Locale.ROOT, "%-" + width[j] + "s  ", r[j]));
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        sb.append(summary(statuses)).append('\n');
        return sb.toString();
    }

    /** {@code 3 of 8 cells done (1 interrupted, 4 not started)}. */
    public static String summary(List<CellStatus> statuses) {
        Map<CellStatus, Integer> n = new EnumMap<>(CellStatus.class);
        for (CellStatus s : statuses) n.merge(s, 1, Integer::sum);
        String rest = n.entrySet().stream().filter(e -> e.getKey() != CellStatus.DONE)
                .map(e -> e.getValue() + " " + e.getKey().label()).collect(Collectors.joining(", "));
        return n.getOrDefault(CellStatus.DONE, 0) + " of " + statuses.size() + " cells done"
                + (rest.isEmpty() ? "" : " (" + rest + ")");
    }
}
