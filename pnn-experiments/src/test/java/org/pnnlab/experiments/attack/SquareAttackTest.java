package org.pnnlab.experiments.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.run.ThreatNorm;

/**
 * The Square attack: its square-size schedule, its budget check, and that it finds the adversarial inputs of a
 * model whose input gradient is deliberately broken (zero everywhere, as a layer that rounds its input would give),
 * which hides them from PGD and APGD.
 */
class SquareAttackTest {
    static final double EPS = 0.1;

    @BeforeAll
    static void doubles() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    /** A classifier whose logits are honest and whose every gradient is zero. */
    static final class ZeroGradientTarget implements AttackTarget {
        final AttackTarget model;

        ZeroGradientTarget(AttackTarget model) {
            this.model = model;
        }

        @Override
        public INDArray logits(INDArray x) {
            return model.logits(x);
        }

        @Override
        public INDArray lossGradient(INDArray x, INDArray labelsOneHot) {
            return Nd4j.zeros(x.dataType(), x.shape());
        }

        @Override
        public LogitsAndGradient backprop(INDArray x, java.util.function.UnaryOperator<INDArray> logitsGradient) {
            INDArray z = model.logits(x);
            logitsGradient.apply(z); // the loss is computed, its gradient is lost on the way to the input
            return new LogitsAndGradient(z, Nd4j.zeros(x.dataType(), x.shape()));
        }
    }

    /** Images [n, 1, 6, 6] in [0, 1] labelled by the model itself, so that the clean accuracy is 100%. */
    static INDArray[] data(AttackTarget model, int n, long seed) {
        INDArray x = Nd4j.rand(Nd4j.getRandomFactory().getNewRandomInstance(seed), n, 1, 6, 6).castTo(DataType.DOUBLE);
        INDArray y = CrossEntropy.oneHot(model.logits(x).argMax(1), 10, DataType.DOUBLE);
        return new INDArray[] {x, y};
    }

    static double accuracy(AttackTarget model, INDArray adv, INDArray y) {
        return Apgd.correct(model.logits(adv), y).meanNumber().doubleValue();
    }

    @Test
    void theSquareShrinksOnThePublishedSchedule() {
        assertEquals(0.8, SquareAttack.share(0.8, 1, 10000));
        assertEquals(0.8, SquareAttack.share(0.8, 10, 10000));
        assertEquals(0.4, SquareAttack.share(0.8, 11, 10000));
        assertEquals(0.8 / 4, SquareAttack.share(0.8, 51, 10000));
        assertEquals(0.8 / 512, SquareAttack.share(0.8, 9000, 10000));
        // rescaled to the budget: with 5 000 queries the halvings come twice as early
        assertEquals(0.4, SquareAttack.share(0.8, 6, 5000));
        assertEquals(0.8 / 256, SquareAttack.share(0.8, 3500, 5000));
        assertThrows(PnnException.class, () -> SquareAttack.Settings.standard(EPS, 0));
    }

    @Test
    void findsWhatBrokenGradientsHideFromGradientAttacks() {
        LinearSoftmaxTarget model = LinearSoftmaxTarget.random(36, 10, 5, 1.0);
        ZeroGradientTarget broken = new ZeroGradientTarget(model);
        INDArray[] d = data(model, 64, 11);
        INDArray x = d[0];
        INDArray y = d[1];

        // the working model: APGD-CE fools most points, so the budget suffices
        double apgdHonest = accuracy(model, new Apgd(Apgd.Settings.standard(ThreatNorm.LINF, EPS, ApgdLoss.CE)
                .withIterations(20)).perturb(model, x, y, 3), y);
        // zero gradients: PGD and APGD move only by their random start
        double pgd = accuracy(model, new Pgd(ThreatModel.pgd(EPS, EPS / 4, 20, 0, 1)).perturb(broken, x, y, 3), y);
        double apgd = accuracy(model, new Apgd(Apgd.Settings.standard(ThreatNorm.LINF, EPS, ApgdLoss.CE)
                .withIterations(20)).perturb(broken, x, y, 3), y);
        SquareAttack square = new SquareAttack(SquareAttack.Settings.standard(EPS, 300));
        FoolingAttack.Outcome o = square.attack(broken, x, y, 3);
        double squareAcc = accuracy(model, o.adversarial(), y);

        assertTrue(apgdHonest < 0.3, "APGD on the honest model: " + apgdHonest);
        assertTrue(pgd > 0.6 && apgd > 0.6, "gradient attacks should be blind here: PGD " + pgd + ", APGD " + apgd);
        assertTrue(squareAcc < pgd - 0.4, "Square " + squareAcc + " should be far below PGD " + pgd);
        // its outcome is consistent and inside the threat model
        assertEquals(squareAcc, o.robust().meanNumber().doubleValue(), 1e-12);
        INDArray delta = o.adversarial().sub(x);
        assertTrue(Transforms.abs(delta, true).maxNumber().doubleValue() <= EPS + 1e-12, "within eps");
        assertTrue(o.adversarial().minNumber().doubleValue() >= 0 && o.adversarial().maxNumber().doubleValue() <= 1);
        // seeded
        assertEquals(0.0, o.adversarial().sub(square.attack(broken, x, y, 3).adversarial()).amaxNumber().doubleValue());
    }
}
