package dev.fraudscore.node.risk;

import static org.junit.jupiter.api.Assertions.*;

import dev.fraudscore.domain.Channel;
import dev.fraudscore.domain.Outcome;
import dev.fraudscore.domain.Reason;
import dev.fraudscore.domain.Thresholds;
import dev.fraudscore.domain.Transaction;
import dev.fraudscore.features.Feature;
import dev.fraudscore.node.risk.RiskRules.Action;
import dev.fraudscore.node.risk.RiskRules.Rule;
import dev.fraudscore.node.risk.RiskRules.State;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class RiskRulesTest {
    private static final Transaction BIG = new Transaction(
            "t-1",
            "card-1",
            "term-1",
            new BigDecimal("12000.00"),
            "EUR",
            OffsetDateTime.parse("2026-11-24T03:00:00Z"),
            null,
            null,
            null,
            "5411",
            "FR",
            Channel.ECOM);

    private static float[] features(String name, float value) {
        float[] f = new float[Feature.COUNT];
        f[Feature.names().indexOf(name)] = value;
        return f;
    }

    @Test
    void anExpressionIsTypeCheckedWithThePositionOfItsFirstError() {
        RiskRules.InvalidRule syntax =
                assertThrows(RiskRules.InvalidRule.class, () -> RiskRules.compile("tx.amount > 10.0 &&"));
        assertEquals(1, syntax.line());
        assertEquals(20, syntax.column());
        RiskRules.InvalidRule type =
                assertThrows(RiskRules.InvalidRule.class, () -> RiskRules.compile("features.card_count_30d > 'a'"));
        assertEquals(25, type.column());
        assertTrue(type.getMessage().contains("no matching overload"), type.getMessage());
        assertThrows(RiskRules.InvalidRule.class, () -> RiskRules.compile("score + 1.0"), "not a boolean");
        assertThrows(RiskRules.InvalidRule.class, () -> RiskRules.compile("merchant == 'x'"), "an unknown variable");
        assertThrows(RiskRules.InvalidRule.class, () -> RiskRules.compile("tx.amount > 'a lot'"), "typed fields");
        assertThrows(RiskRules.InvalidRule.class, () -> RiskRules.compile("tx.merchant == 'x'"), "unknown field");
        assertThrows(RiskRules.InvalidRule.class, () -> RiskRules.compile("features.no_such > 1.0"), "unknown feature");
        assertDoesNotThrow(() -> RiskRules.compile("has(tx.customerId) && tx.customerId.startsWith('vip-')"));
    }

    @Test
    void theFirstActiveRuleWithAnActionDecidesEveryHoldingRuleAddsItsCodeAndShadowRulesNeverAct() throws Exception {
        RiskRules rules = new RiskRules();
        List<String> refused = rules.replace(List.of(
                new Rule(
                        "big_new_card",
                        3,
                        "tx.amount > 10000.0 && features.card_count_30d < 2.0",
                        Action.REVIEW,
                        "HIGH_AMOUNT_NEW_CARD",
                        10,
                        State.ACTIVE),
                new Rule("night", 1, "tx.hour < 6", Action.NONE, "NIGHT", 5, State.ACTIVE),
                new Rule("decline_all", 1, "true", Action.DECLINE, "TRY_ME", 1, State.SHADOW),
                new Rule("off", 1, "true", Action.DECLINE, "OFF", 0, State.DISABLED),
                new Rule("missing", 1, "tx.customerId == 'x'", Action.DECLINE, "MISSING", 0, State.ACTIVE)));
        assertEquals(List.of(), refused);
        RiskRules.Verdict v = rules.evaluate(BIG, features("card_count_30d", 1), 0.01, null);
        assertEquals(Outcome.REVIEW, v.outcome());
        assertEquals(
                List.of("SHADOW_TRY_ME", "NIGHT", "HIGH_AMOUNT_NEW_CARD"),
                v.reasons().stream().map(Reason::code).toList(),
                "in priority order; the rule reading an absent field does not hold");
        assertEquals(3.0, v.reasons().get(2).value(), "the reason's value is the rule's version");
        RiskRules.Verdict seasoned = rules.evaluate(BIG, features("card_count_30d", 40), 0.01, null);
        assertNull(seasoned.outcome(), "only NONE and shadow rules held");
    }

    @Test
    void theGuardStopsAnActiveRuleThatHoldsForMostDecisionsOnceAndOnlyThatOne() {
        RiskRules rules = new RiskRules();
        rules.replace(List.of(
                new Rule("typo", 4, "tx.amount > 1.0", Action.DECLINE, "TYPO", 1, State.ACTIVE),
                new Rule("rare", 1, "tx.amount > 1000000.0", Action.DECLINE, "RARE", 2, State.ACTIVE),
                new Rule("watch", 1, "true", Action.DECLINE, "WATCH", 3, State.SHADOW)));
        List<Rule> tripped = new java.util.ArrayList<>();
        rules.onTrip(tripped::add);
        for (int i = 0; i < RiskRules.GUARD_WINDOW - 1; i++) {
            assertEquals(Outcome.DECLINE, rules.evaluate(BIG, null, 0.1, null).outcome());
        }
        assertEquals(List.of(), tripped, "not before a whole window");
        RiskRules.Verdict v = rules.evaluate(BIG, null, 0.1, null);
        assertEquals(List.of("typo"), tripped.stream().map(Rule::name).toList(), "shadow rules are never stopped");
        assertNull(v.outcome(), "stopped at once on this node");
        assertEquals("SHADOW_TYPO", v.reasons().get(0).code(), "still recorded, as a shadow rule");
        for (int i = 0; i < 2 * RiskRules.GUARD_WINDOW; i++) {
            rules.evaluate(BIG, null, 0.1, null);
        }
        assertEquals(1, tripped.size(), "told once");
    }

    @Test
    void theGuardsWindowAndShareAreConfiguredAndABacktestHasNone() throws Exception {
        Rule third = new Rule("third", 1, "tx.hour % 3 == 0", Action.DECLINE, "THIRD", 1, State.ACTIVE);
        RiskRules strict = new RiskRules(30, 0.25);
        List<Rule> tripped = new java.util.ArrayList<>();
        strict.onTrip(tripped::add);
        RiskRules lenient = new RiskRules(30, 0.5);
        lenient.onTrip(tripped::add);
        strict.replace(List.of(third));
        lenient.replace(List.of(third));
        for (int i = 0; i < 30; i++) {
            Transaction tx = at(i % 24);
            strict.evaluate(tx, null, 0.1, null);
            lenient.evaluate(tx, null, 0.1, null);
        }
        assertEquals(List.of(third), tripped, "a third of the window: over 25%, under 50%");
        assertThrows(IllegalArgumentException.class, () -> new RiskRules(200, 0));

        Backtest all = Backtest.ofRule(new Rule("all", 1, "true", Action.DECLINE, "ALL", 1, State.SHADOW));
        for (int i = 0; i < 3 * RiskRules.GUARD_WINDOW; i++) {
            all.add(new Backtest.Row(BIG, null, 0.1, THRESHOLDS, Outcome.APPROVE, null));
        }
        assertEquals(
                3 * RiskRules.GUARD_WINDOW,
                all.result().getJsonObject("changes").getInteger("APPROVE->DECLINE"),
                "a backtest counts every decision the rule changes, however many");
    }

    private static final Thresholds THRESHOLDS = new Thresholds(0.5, 0.9);

    @Test
    void scoreAdjustmentsOfActiveRulesMoveTheScoreTheThresholdsSeeShadowOnesAreOnlyRecorded() {
        RiskRules rules = new RiskRules();
        rules.replace(List.of(
                new Rule("foreign", 2, "tx.country == 'FR'", Action.NONE, "FOREIGN", 5, State.ACTIVE, 0.25),
                new Rule("night", 1, "tx.hour < 6", Action.NONE, "NIGHT", 6, State.ACTIVE, 0.1),
                new Rule("trusted", 1, "tx.mcc == '5411'", Action.NONE, "GROCERY", 7, State.SHADOW, -0.5)));
        RiskRules.Verdict v = rules.evaluate(BIG, null, 0.2, null);
        assertNull(v.outcome(), "no rule with an action");
        assertEquals(0.35, v.adjustment(), 1e-9, "the active rules' adjustments add up; the shadow rule's does not");
        assertEquals(Outcome.APPROVE, THRESHOLDS.apply(0.2), "the model's score alone approves");
        assertEquals(Outcome.REVIEW, v.outcome(THRESHOLDS, 0.2), "0.2 + 0.35 is past the review threshold");
        assertEquals(Outcome.DECLINE, v.outcome(THRESHOLDS, 0.8), "held to 1 at most, past decline");
        assertEquals(
                List.of(0.25, 0.1, -0.5),
                v.reasons().stream().map(Reason::contribution).toList(),
                "each rule's adjustment is its reason's contribution");
        assertEquals("SHADOW_GROCERY", v.reasons().get(2).code());
        assertEquals(THRESHOLDS.apply(Double.NaN), v.outcome(THRESHOLDS, Double.NaN), "no score: nothing to adjust");

        RiskRules.Verdict acted = new RiskRules.Verdict(Outcome.DECLINE, -1, List.of());
        assertEquals(Outcome.DECLINE, acted.outcome(THRESHOLDS, 0.1), "a rule's action wins over adjustments");
        assertThrows(
                IllegalArgumentException.class,
                () -> new Rule("x", 1, "true", Action.REVIEW, "X", 1, State.ACTIVE, 0.2),
                "an adjustment only on a rule with action NONE");
        assertThrows(
                IllegalArgumentException.class,
                () -> new Rule("x", 1, "true", Action.NONE, "X", 1, State.ACTIVE, 1.5),
                "-1..1");
    }

    @Test
    void theGuardStopsARuleThatAdjustsMostScoresAndABacktestCountsOnlyTheDecisionsItsAdjustmentMoves()
            throws Exception {
        RiskRules rules = new RiskRules(20, 0.5);
        List<Rule> tripped = new java.util.ArrayList<>();
        rules.onTrip(tripped::add);
        rules.replace(List.of(
                new Rule("tag", 1, "true", Action.NONE, "TAG", 1, State.ACTIVE),
                new Rule("push", 1, "true", Action.NONE, "PUSH", 2, State.ACTIVE, 0.6)));
        for (int i = 0; i < 20; i++) {
            rules.evaluate(BIG, null, 0.1, null);
        }
        assertEquals(
                List.of("push"),
                tripped.stream().map(Rule::name).toList(),
                "an adjustment can change outcomes, so the guard watches it; a code-only rule cannot");
        assertEquals(0, rules.evaluate(BIG, null, 0.1, null).adjustment(), "stopped: no longer adjusts here");

        Backtest test =
                Backtest.ofRule(new Rule("up", 1, "tx.amount > 100.0", Action.NONE, "UP", 1, State.SHADOW, 0.3));
        test.add(new Backtest.Row(BIG, null, 0.1, THRESHOLDS, Outcome.APPROVE, null)); // 0.4: still APPROVE
        test.add(new Backtest.Row(BIG, null, 0.3, THRESHOLDS, Outcome.APPROVE, true)); // 0.6: REVIEW
        test.add(new Backtest.Row(BIG, null, 0.7, THRESHOLDS, Outcome.REVIEW, false)); // 1.0: DECLINE
        test.add(new Backtest.Row(at(3), null, 0.45, THRESHOLDS, Outcome.APPROVE, null)); // 10.00: does not hold
        test.add(new Backtest.Row(BIG, null, 0.3, THRESHOLDS, Outcome.DECLINE, null)); // declined by a list: kept
        test.add(new Backtest.Row(BIG, null, Double.NaN, THRESHOLDS, Outcome.APPROVE, null)); // degraded: kept
        var r = test.result();
        assertEquals(5, r.getInteger("ruleHeld"));
        assertEquals(2, r.getInteger("changed"), r.encode());
        assertEquals(1, r.getJsonObject("changes").getInteger("APPROVE->REVIEW"));
        assertEquals(1, r.getJsonObject("changes").getInteger("REVIEW->DECLINE"));
        assertEquals(0.5, r.getDouble("precision"), "flagged: the fraud and the genuine one");
        assertEquals(1.0, r.getDouble("recall"));
    }

    private static Transaction at(int hour) {
        return new Transaction(
                "t-" + hour,
                "card-1",
                "term-1",
                new BigDecimal("10.00"),
                "EUR",
                OffsetDateTime.parse("2026-11-24T00:00:00Z").plusHours(hour),
                null,
                null,
                null,
                "5411",
                "FR",
                Channel.ECOM);
    }

    @Test
    void rulesSeeTheScoreAndListMembership() {
        RiskRules rules = new RiskRules();
        rules.replace(List.of(new Rule(
                "score", 1, "score > 0.3 && !listed.allow", Action.DECLINE, "SCORE_OVER_03", 1, State.ACTIVE)));
        assertEquals(Outcome.DECLINE, rules.evaluate(BIG, null, 0.4, null).outcome());
        RiskLists.Entry allow =
                new RiskLists.Entry(1, RiskLists.ListType.ALLOW, RiskLists.Kind.CARD, "card-1", "vip", null);
        assertNull(rules.evaluate(BIG, null, 0.4, allow).outcome());
        assertNull(rules.evaluate(BIG, null, Double.NaN, null).outcome(), "no score (degraded): NaN compares false");
    }
}
