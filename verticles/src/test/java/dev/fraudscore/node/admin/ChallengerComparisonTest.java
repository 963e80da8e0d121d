package dev.fraudscore.node.admin;

import static org.junit.jupiter.api.Assertions.*;

import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The promotion rule's verdict on live decisions both models scored. */
class ChallengerComparisonTest {
    /** 20 days of 300 decisions on distinct cards, 3% fraud; the challenger ranks frauds first, the champion at random. */
    private static List<ChallengerComparison.Scored> decisions(boolean challengerBetter, boolean labelsArrived) {
        SplittableRandom r = new SplittableRandom(3);
        List<ChallengerComparison.Scored> rows = new ArrayList<>();
        for (int day = 0; day < 20; day++) {
            for (int i = 0; i < 300; i++) {
                boolean fraud = r.nextInt(100) < 3;
                float informed = (float) (fraud ? 0.6 + r.nextDouble() * 0.4 : r.nextDouble() * 0.7);
                float noise = (float) r.nextDouble();
                rows.add(new ChallengerComparison.Scored(
                        "card-" + day + "-" + i,
                        LocalDate.of(2026, 11, 1).plusDays(day),
                        challengerBetter ? noise : informed,
                        challengerBetter ? informed : noise,
                        labelsArrived ? fraud : null));
            }
        }
        return rows;
    }

    @Test
    void aChallengerBetterOnApAndCardPrecisionWithEnoughFraudsIsPromotable() {
        JsonObject c = ChallengerComparison.evaluate(decisions(true, true), "champ", "chall", 100);
        assertTrue(c.getBoolean("challengerBetter"), c.encodePrettily());
        assertTrue(c.getInteger("frauds") >= 100, c.encodePrettily());
        assertTrue(c.getBoolean("promotable"));
        assertTrue(c.getJsonObject("challengerFigures").getDouble("averagePrecision")
                > c.getJsonObject("championFigures").getDouble("averagePrecision"));
    }

    @Test
    void tooFewFraudsAWorseChallengerNoLabelsOrARuleTurnedOffPromoteNothing() {
        assertFalse(ChallengerComparison.evaluate(decisions(true, true), "a", "b", 10_000)
                .getBoolean("promotable"));
        JsonObject worse = ChallengerComparison.evaluate(decisions(false, true), "a", "b", 100);
        assertFalse(worse.getBoolean("challengerBetter"));
        assertFalse(worse.getBoolean("promotable"));
        JsonObject unlabelled = ChallengerComparison.evaluate(decisions(true, false), "a", "b", 100);
        assertEquals(0, unlabelled.getInteger("labelled"));
        assertFalse(unlabelled.getBoolean("promotable"));
        assertFalse(ChallengerComparison.evaluate(decisions(true, true), "a", "b", 0)
                .getBoolean("promotable"));
    }
}
