package dev.fraudscore.node.risk;

import static org.junit.jupiter.api.Assertions.*;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.runtime.CelRuntime;
import dev.fraudscore.domain.Channel;
import dev.fraudscore.domain.Transaction;
import dev.fraudscore.features.Feature;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The closures {@link RuleCompiler} makes of a rule decide exactly as CEL's own runtime does on the same input: every
 * expression below, on 3,000 generated decisions (absent optional fields, no features, NaN scores and features, huge
 * and negative amounts included), holds for both or for neither.
 */
class RuleCompilerTest {
    /** Compiled to closures: the operators and functions rules are written with. */
    private static final List<String> FAST = List.of(
            "tx.amount > 10000.0 && features.card_count_30d < 2.0",
            "tx.country == 'NG' && tx.amount > 500.0",
            "tx.mcc in ['7995', '5967', '4829']",
            "!(tx.mcc in ['5411'])",
            "tx.hour in [0, 1, 2, 3]",
            "score > 0.95 && tx.channel == 'ECOM'",
            "score >= 0.5 || listed.block",
            "listed.allow && score > 0.9",
            "has(tx.ipAddress) && tx.ipAddress.startsWith('10.')",
            "tx.customerId == 'cust-1'",
            "tx.customerId != 'cust-1' || tx.amount < 20.0",
            "tx.customerId == 'cust-1' || tx.amount < 20.0",
            "tx.customerId == 'cust-1' && tx.amount < 20.0",
            "tx.amount < 20.0 && tx.customerId == 'cust-1'",
            "has(tx.deviceId) ? tx.deviceId.endsWith('7') : tx.amount > 100.0",
            "tx.deviceId.contains('1') ? true : false",
            "tx.cardId.size() > 6",
            "tx.hour * 1000000000 * 1000000000 > 1",
            "tx.hour / (tx.hour - tx.hour) == 1 || tx.amount > 100.0",
            "tx.hour % 5 == 0 && tx.hour - 3 >= 0 && tx.hour + 1 <= 24",
            "features.card_amount_1h / features.card_count_1h > 300.0",
            "features.card_amount_1h - features.card_avg_amount_30d * 3.0 > 0.0",
            "-features.card_amount_to_avg_30d < -5.0",
            "features.card_avg_amount_1d == features.card_avg_amount_1d",
            "features.card_avg_amount_1d != features.card_avg_amount_1d",
            "has(features.card_count_1h) && features.card_count_1h >= 5.0",
            "score != score",
            "tx.currency + '/' + tx.country == 'EUR/FR'",
            "listed.block == listed.allow",
            "tx.channel != 'POS' && !listed.block",
            "(tx.amount > 50.0) == (score > 0.5)");

    /** Left to CEL's runtime: regular expressions, conversions, lists that are not constants, macros, string order. */
    private static final List<String> CEL = List.of(
            "tx.cardId.matches('^card-1[0-9]*$')",
            "double(tx.hour) > 20.0",
            "int(tx.amount) > 100",
            "size(tx.cardId) > 6",
            "tx.country in [tx.mcc, 'FR']",
            "[tx.mcc, tx.country].exists(x, x == 'FR')",
            "tx.amount in [1.0, 2.0]",
            "tx.country < 'M'");

    @Test
    void closuresDecideAsCelsRuntimeOnEveryInput() throws Exception {
        List<Transaction> txs = new ArrayList<>();
        List<float[]> rows = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        List<RiskLists.Entry> listed = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(16);
        for (int i = 0; i < 3_000; i++) {
            txs.add(transaction(r, i));
            rows.add(r.nextInt(10) == 0 ? null : row(r));
            scores.add(r.nextInt(20) == 0 ? Double.NaN : r.nextDouble());
            listed.add(
                    switch (r.nextInt(4)) {
                        case 0 ->
                            new RiskLists.Entry(1, RiskLists.ListType.BLOCK, RiskLists.Kind.CARD, "c", "test", null);
                        case 1 ->
                            new RiskLists.Entry(2, RiskLists.ListType.ALLOW, RiskLists.Kind.CARD, "c", "test", null);
                        default -> null;
                    });
        }
        for (String expression : FAST) {
            CelAbstractSyntaxTree ast = RiskRules.check(expression);
            RuleCompiler.Node fast = RuleCompiler.compile(ast);
            assertNotNull(fast, () -> "compiled to closures: " + expression);
            CelRuntime.Program cel = RiskRules.program(ast);
            int held = 0;
            for (int i = 0; i < txs.size(); i++) {
                RiskRules.Input in = new RiskRules.Input(txs.get(i), rows.get(i), scores.get(i), listed.get(i));
                boolean expected = RiskRules.holds(cel, in);
                boolean actual = fast.eval(in) == Boolean.TRUE;
                int n = i;
                assertEquals(expected, actual, () -> expression + " on " + txs.get(n) + ", score " + scores.get(n));
                held += expected ? 1 : 0;
            }
            assertTrue(held < txs.size() || expression.contains("=="), () -> "holds for some, not all: " + expression);
        }
        for (String expression : CEL) {
            assertNull(RuleCompiler.compile(RiskRules.check(expression)), () -> "left to CEL: " + expression);
        }
    }

    @Test
    void aRuleLeftToCelsRuntimeStillDecides() throws Exception {
        RiskRules rules = new RiskRules();
        rules.replace(List.of(new RiskRules.Rule(
                "regex",
                1,
                "tx.cardId.matches('^card-4[0-9]$')",
                RiskRules.Action.REVIEW,
                "CARD_PATTERN",
                1,
                RiskRules.State.ACTIVE)));
        SplittableRandom r = new SplittableRandom(1);
        Transaction hit = transaction(r, 0);
        hit = new Transaction(
                hit.transactionId(),
                "card-42",
                hit.terminalId(),
                hit.amount(),
                hit.currency(),
                hit.timestamp(),
                null,
                null,
                null,
                hit.mcc(),
                hit.country(),
                hit.channel());
        assertEquals(
                "CARD_PATTERN",
                rules.evaluate(hit, row(r), 0.1, null).reasons().get(0).code());
    }

    private static Transaction transaction(SplittableRandom r, int i) {
        String[] countries = {"FR", "NG", "DE"};
        String[] mccs = {"5411", "7995", "4829", "5812"};
        double amount = switch (r.nextInt(10)) {
            case 0 -> 12_000 + r.nextDouble() * 5_000;
            case 1 -> r.nextDouble() * 30;
            default -> Math.exp(r.nextDouble(0, 8));
        };
        return new Transaction(
                "t-" + i,
                "card-" + r.nextInt(200),
                "term-" + r.nextInt(50),
                BigDecimal.valueOf(amount).setScale(2, RoundingMode.HALF_UP),
                r.nextBoolean() ? "EUR" : "USD",
                OffsetDateTime.of(2026, 11, 24, r.nextInt(24), 0, 0, 0, ZoneOffset.UTC),
                r.nextInt(3) == 0 ? null : "cust-" + r.nextInt(3),
                r.nextInt(3) == 0 ? null : "dev-" + r.nextInt(30),
                r.nextInt(3) == 0 ? null : (r.nextBoolean() ? "10." : "192.") + r.nextInt(255) + ".0.1",
                mccs[r.nextInt(mccs.length)],
                countries[r.nextInt(countries.length)],
                r.nextInt(5) == 0 ? null : Channel.values()[r.nextInt(Channel.values().length)]);
    }

    private static float[] row(SplittableRandom r) {
        float[] f = new float[Feature.COUNT];
        for (int j = 0; j < f.length; j++) {
            f[j] = switch (r.nextInt(12)) {
                case 0 -> Float.NaN;
                case 1 -> 0f;
                default -> (float) (r.nextDouble() * 2_000);
            };
        }
        return f;
    }
}
