package dev.fraudscore.node.risk;

import dev.fraudscore.domain.Channel;
import dev.fraudscore.domain.Decision;
import dev.fraudscore.domain.Reason;
import dev.fraudscore.domain.ScoreResult;
import dev.fraudscore.domain.StageTimings;
import dev.fraudscore.domain.Thresholds;
import dev.fraudscore.domain.Transaction;
import dev.fraudscore.features.Feature;
import dev.fraudscore.node.decision.DecisionPolicy;
import dev.fraudscore.node.decision.FallbackPolicy;
import dev.fraudscore.node.risk.RiskLists.Entry;
import dev.fraudscore.node.risk.RiskLists.Kind;
import dev.fraudscore.node.risk.RiskLists.ListType;
import dev.fraudscore.node.risk.RiskRules.Action;
import dev.fraudscore.node.risk.RiskRules.Rule;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What rules and lists add to a decision (issue 15, point 4): {@link DecisionPolicy#scored} on the model's result,
 * without rules or lists ({@code none}) and with 50 active rules and 100,000 list entries, over 4,096 generated
 * transactions with feature rows, per decision; p99 from JMH's sample mode. Run by {@code ops/rules-bench.sh}.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 4)
@Fork(
        value = 1,
        jvmArgs = {"-Xms1g", "-Xmx1g", "-XX:+UseG1GC"})
@State(Scope.Thread)
public class RulesBench {
    private static final int ROWS = 4096;

    @Param({"none", "lists100k", "rules50", "rules50_lists100k"})
    public String setup;

    private DecisionPolicy policy;
    private Transaction[] txs;
    private float[][] features;
    private ScoreResult[] scores;
    private int next;
    private final StageTimings timings = new StageTimings(1, 1, 1, 1);
    private final Instant now = Instant.parse("2026-11-24T12:00:00Z");

    @Setup(Level.Trial)
    public void setUp() {
        RiskLists lists = new RiskLists();
        RiskRules rules = new RiskRules();
        if (setup.contains("lists100k")) {
            lists.replace(entries(100_000));
        }
        if (setup.contains("rules50")) {
            List<String> refused = rules.replace(rules50());
            if (!refused.isEmpty() || rules.size() != 50) {
                throw new IllegalStateException("rules refused: " + refused);
            }
        }
        policy = new DecisionPolicy(
                "bench", new FallbackPolicy(FallbackPolicy.parse(List.of("APPROVE")), Map.of()), lists, rules);
        SplittableRandom random = new SplittableRandom(15);
        txs = new Transaction[ROWS];
        features = new float[ROWS][];
        scores = new ScoreResult[ROWS];
        Thresholds thresholds = new Thresholds(0.5, 0.9);
        List<Reason> reasons = List.of(new Reason("AMOUNT", 120.0, 0.8), new Reason("CARD_VELOCITY_1H", 3, 0.4));
        for (int i = 0; i < ROWS; i++) {
            txs[i] = transaction(random, i);
            features[i] = featureRow(random);
            double score = Math.pow(random.nextDouble(), 8);
            scores[i] = new ScoreResult(score, reasons, "bench-model", thresholds, 1, Double.NaN, null);
        }
    }

    @Benchmark
    public Decision decide() {
        int i = next++ & (ROWS - 1);
        return policy.scored(txs[i], scores[i], features[i], timings, now);
    }

    /**
     * Ten kinds of rule a risk team writes, five variants each: all active, most with an action, five adjusting the
     * score.
     */
    static List<Rule> rules50() {
        String[] countries = {"NG", "RU", "BR", "VN", "PK"};
        List<Rule> out = new ArrayList<>();
        for (int v = 0; v < 5; v++) {
            out.add(rule(
                    out,
                    "tx.amount > %d.0 && features.card_count_30d < 2.0".formatted(10_000 + 1_000 * v),
                    Action.REVIEW));
            out.add(rule(
                    out,
                    "tx.country == '%s' && tx.amount > %d.0".formatted(countries[v], 500 + 100 * v),
                    Action.REVIEW));
            out.add(rule(out, "tx.mcc in ['7995', '5967', '%d']".formatted(4829 + v), Action.NONE, 0.1));
            out.add(rule(
                    out,
                    "features.card_amount_1h > %d.0 && features.card_count_1h >= 5.0".formatted(2_000 + 500 * v),
                    Action.REVIEW));
            out.add(rule(out, "score > 0.9%d && tx.channel == 'ECOM'".formatted(5 + v), Action.DECLINE));
            out.add(rule(
                    out,
                    "tx.hour < %d && tx.amount > 1000.0 && features.card_amount_to_avg_30d > 5.0".formatted(2 + v),
                    Action.REVIEW));
            out.add(rule(out, "has(tx.ipAddress) && tx.ipAddress.startsWith('10.%d.')".formatted(v), Action.REVIEW));
            out.add(rule(out, "listed.allow && score > 0.9%d".formatted(5 + v), Action.REVIEW));
            out.add(rule(
                    out,
                    "features.terminal_risk_7d > 0.%d && features.terminal_count_7d > 10.0".formatted(5 + v),
                    Action.REVIEW));
            out.add(rule(out, "has(tx.customerId) && tx.customerId == 'cust-blocked-%d'".formatted(v), Action.DECLINE));
        }
        return out;
    }

    private static Rule rule(List<Rule> before, String expression, Action action) {
        return rule(before, expression, action, 0);
    }

    private static Rule rule(List<Rule> before, String expression, Action action, double scoreAdjustment) {
        int n = before.size();
        return new Rule("rule_" + n, 1, expression, action, "RULE_" + n, n, RiskRules.State.ACTIVE, scoreAdjustment);
    }

    /** 100,000 entries: cards, terminals, customers, devices, IP addresses and CIDR ranges, blocks and allows. */
    static List<Entry> entries(int count) {
        List<Entry> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ListType list = i % 10 == 0 ? ListType.ALLOW : ListType.BLOCK;
            Entry e = switch (i % 6) {
                case 0 -> new Entry(i, list, Kind.CARD, "card-listed-" + i, "bench", null);
                case 1 -> new Entry(i, list, Kind.TERMINAL, "term-listed-" + i, "bench", null);
                case 2 -> new Entry(i, list, Kind.CUSTOMER, "cust-listed-" + i, "bench", null);
                case 3 -> new Entry(i, list, Kind.DEVICE, "dev-listed-" + i, "bench", null);
                case 4 ->
                    new Entry(
                            i,
                            list,
                            Kind.IP,
                            "172.%d.%d.%d".formatted(16 + i % 16, i / 256 % 256, i % 256),
                            "bench",
                            null);
                default ->
                    new Entry(
                            i,
                            list,
                            Kind.IP,
                            "100.%d.%d.0/%d".formatted(64 + i % 64, i / 64 % 256, 24 + i % 5),
                            "bench",
                            null);
            };
            out.add(e);
        }
        return out;
    }

    private static Transaction transaction(SplittableRandom r, int i) {
        String[] countries = {"FR", "DE", "NL", "US", "GB", "NG", "BR", "ES"};
        String[] mccs = {"5411", "5812", "5999", "7995", "4829", "5732", "5967"};
        double amount = Math.exp(r.nextDouble(1.0, 9.8));
        // about 1 in 100 transactions carries a listed card
        String card = i % 100 == 7 ? "card-listed-" + (i * 6 % 100_000) : "card-" + r.nextInt(50_000);
        return new Transaction(
                "bench-" + i,
                card,
                "term-" + r.nextInt(5_000),
                BigDecimal.valueOf(amount).setScale(2, RoundingMode.HALF_UP),
                "EUR",
                OffsetDateTime.of(2026, 11, 24, r.nextInt(24), r.nextInt(60), 0, 0, ZoneOffset.UTC),
                r.nextInt(3) == 0 ? null : "cust-" + r.nextInt(20_000),
                r.nextInt(2) == 0 ? null : "dev-" + r.nextInt(20_000),
                "%d.%d.%d.%d".formatted(r.nextInt(1, 224), r.nextInt(256), r.nextInt(256), r.nextInt(1, 255)),
                mccs[r.nextInt(mccs.length)],
                countries[r.nextInt(countries.length)],
                Channel.values()[r.nextInt(Channel.values().length)]);
    }

    private static float[] featureRow(SplittableRandom r) {
        float[] f = new float[Feature.COUNT];
        for (int j = 0; j < f.length; j++) {
            f[j] = (float) (r.nextDouble() * (j % 3 == 0 ? 1.0 : 20.0));
        }
        return f;
    }
}
