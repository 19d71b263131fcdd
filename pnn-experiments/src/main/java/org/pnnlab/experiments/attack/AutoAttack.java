package org.pnnlab.experiments.attack;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pnnlab.api.run.ThreatNorm;

/**
 * AutoAttack's standard ensemble (Croce &amp; Hein 2020): APGD-CE (100 iterations, 1 restart), then APGD-T (9 target
 * classes, or one fewer than the classes, 100 iterations), then Square (L∞ only, the configured query budget), each
 * only on the points still robust.
 */
public final class AutoAttack implements EnsembleAttack {
    private final List<FoolingAttack> members;

    private AutoAttack(List<FoolingAttack> members) {
        this.members = List.copyOf(members);
    }

    /**
     * The standard ensemble for a threat model (APGD-T takes at most one fewer target than the model has classes).
     * In L2 it has no Square member (the Square attack here is L∞ only).
     */
    public static AutoAttack standard(ThreatNorm norm, double eps, int squareQueries) {
        List<FoolingAttack> m = new ArrayList<>();
        m.add(new Apgd(Apgd.Settings.standard(norm, eps, ApgdLoss.CE)));
        m.add(new Apgd(Apgd.Settings.standard(norm, eps, ApgdLoss.TARGETED_DLR)));
        if (norm == ThreatNorm.LINF) m.add(new SquareAttack(SquareAttack.Settings.standard(eps, squareQueries)));
        return new AutoAttack(m);
    }

    /** An ensemble of these members (tests, other budgets). */
    public static AutoAttack of(List<FoolingAttack> members) {
        return new AutoAttack(members);
    }

    @Override
    public List<FoolingAttack> members() {
        return members;
    }

    @Override
    public String name() {
        return "autoattack";
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("attack", name());
        List<Object> list = new ArrayList<>();
        for (FoolingAttack a : members) list.add(a.settings());
        m.put("members", list);
        m.put("order", "each member only on the points still robust; per-image worst case");
        return m;
    }
}
