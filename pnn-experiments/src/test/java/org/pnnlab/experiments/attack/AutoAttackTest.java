package org.pnnlab.experiments.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pnnlab.api.run.ThreatNorm;

/** The ensemble: members in order on the points still robust, the per-image worst case, and L2 APGD's budget. */
class AutoAttackTest {
    @BeforeAll
    static void doubles() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @Test
    void theEnsembleIsTheWorstCaseOverItsMembersAndReportsEach() {
        LinearSoftmaxTarget model = LinearSoftmaxTarget.random(36, 10, 9, 0.4);
        INDArray[] d = SquareAttackTest.data(model, 60, 21);
        double eps = 0.05;
        Apgd ce = new Apgd(Apgd.Settings.standard(ThreatNorm.LINF, eps, ApgdLoss.CE).withIterations(10));
        Apgd t = new Apgd(Apgd.Settings.standard(ThreatNorm.LINF, eps, ApgdLoss.TARGETED_DLR).withIterations(10)
                .withTargetClasses(3));
        SquareAttack sq = new SquareAttack(SquareAttack.Settings.standard(eps, 100));
        AutoAttack aa = AutoAttack.of(List.of(ce, t, sq));
        List<RobustnessEvaluator.Result> members = new ArrayList<>();
        RobustnessEvaluator.Result all = new RobustnessEvaluator(16).withSeed(4)
                .evaluateEnsemble(model, model, aa, d[0], d[1], members::add);
        assertEquals(List.of("autoattack-apgd-ce", "autoattack-apgd-t", "autoattack-square"),
                members.stream().map(RobustnessEvaluator.Result::attack).toList());
        for (int i = 1; i < members.size(); i++) {
            assertTrue(members.get(i).correct() <= members.get(i - 1).correct(), "cumulative: never rises " + members);
        }
        assertEquals(members.get(2).correct(), all.correct());
        assertEquals(60, all.evaluated());
        // each member alone is no stronger than the ensemble
        RobustnessEvaluator ev = new RobustnessEvaluator(16).withSeed(4);
        for (FoolingAttack a : aa.members()) {
            assertTrue(ev.evaluate(model, a, d[0], d[1]).correct() >= all.correct(), a.name());
        }
        assertTrue(all.correct() < members.get(0).correct() || members.get(0).correct() == 0,
                "the later members find more: " + members);
        // the batch-wise form agrees on robust flags with the adversarial inputs it returns
        FoolingAttack.Outcome o = aa.attack(model, d[0], d[1], 4);
        assertEquals(o.robust().sumNumber().doubleValue(),
                Apgd.correct(model.logits(o.adversarial()), d[1]).sumNumber().doubleValue());
    }

    @Test
    void l2ApgdStaysInTheBallAndBox() {
        LinearSoftmaxTarget model = LinearSoftmaxTarget.random(36, 10, 9, 0.4);
        INDArray[] d = SquareAttackTest.data(model, 30, 22);
        double eps = 0.5;
        FoolingAttack.Outcome o = new Apgd(Apgd.Settings.standard(ThreatNorm.L2, eps, ApgdLoss.CE).withIterations(20))
                .attack(model, d[0], d[1], 1);
        INDArray delta = Apgd.flat(o.adversarial().sub(d[0]));
        assertTrue(delta.norm2(1).maxNumber().doubleValue() <= eps + 1e-9, "within the L2 ball");
        assertTrue(o.adversarial().minNumber().doubleValue() >= 0 && o.adversarial().maxNumber().doubleValue() <= 1);
        assertTrue(o.robust().meanNumber().doubleValue() < 1.0, "finds something at eps 0.5");
    }

    @Test
    void rankingAndMarginsWorkInFloat32() {
        INDArray z = Nd4j.createFromArray(new float[][] {{0.1f, 3f, -2f, 1f, 0.5f}, {4f, -1f, 2f, 2.5f, 0f}});
        INDArray[] top = ApgdLoss.Ranking.topOneHots(z, 4);
        assertEquals(List.of(1L, 0L), List.of(top[0].argMax(1).getLong(0), top[3].argMax(1).getLong(0)));
        assertEquals(List.of(0L, 4L), List.of(top[0].argMax(1).getLong(1), top[3].argMax(1).getLong(1)));
        INDArray y = CrossEntropy.oneHot(Nd4j.createFromArray(3L, 0L), 5, DataType.FLOAT);
        assertEquals(List.of(-2.0, 1.5), List.of(SquareAttack.margins(z, y).getDouble(0), SquareAttack.margins(z, y).getDouble(1)));
        ApgdLoss.Evaluated dlr = ApgdLoss.DLR.evaluate(z, y, null);
        assertEquals(-(1.0 - 3.0) / (3.0 - 0.5 + 1e-12), dlr.values().getDouble(0), 1e-6);
    }
}
