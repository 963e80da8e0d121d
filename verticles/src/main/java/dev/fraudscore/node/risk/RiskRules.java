package dev.fraudscore.node.risk;

import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelValidationException;
import dev.cel.common.exceptions.CelAttributeNotFoundException;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import dev.cel.common.values.StructValue;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.cel.runtime.CelVariableResolver;
import dev.fraudscore.domain.Outcome;
import dev.fraudscore.domain.Reason;
import dev.fraudscore.domain.Thresholds;
import dev.fraudscore.domain.Transaction;
import dev.fraudscore.features.Feature;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Rules in Google's Common Expression Language beside the model: each a typed boolean expression over the
 * transaction ({@code tx.amount}, {@code tx.cardId}, ...), the features the model saw by name ({@code
 * features.card_count_30d}), the model's {@code score} and list membership ({@code listed.block}, {@code
 * listed.allow}), with an action (APPROVE, REVIEW, DECLINE, or NONE: only its reason code and, if it has one, a score adjustment),
 * a priority (lower first)
 * and a state: {@code active} (acts), {@code shadow} (evaluated and recorded, never acts), {@code disabled}. A rule is
 * compiled and type-checked once per version, when it is saved and when a node loads it, never per decision. On a
 * decision the first active rule (by priority) whose expression holds and that has an action sets the outcome; every
 * active rule that holds adds its reason code and its score adjustment (the thresholds see the model's score plus
 * the adjustments when no rule set the outcome), every shadow rule that holds adds {@code SHADOW_} and its code (the
 * reason's value is the rule's version, its contribution the rule's score adjustment). An expression that fails at run time (an optional field the transaction does not have: test it with {@code
 * has(tx.customerId)}) does not hold.
 */
public final class RiskRules {
    public enum Action {
        APPROVE,
        REVIEW,
        DECLINE,
        NONE;

        Outcome outcome() {
            return this == NONE ? null : Outcome.valueOf(name());
        }
    }

    public enum State {
        ACTIVE,
        SHADOW,
        DISABLED;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A rule version as stored. {@code scoreAdjustment}: for a rule with action NONE, what it adds to the model's
     * score (-1..1) before the thresholds are applied when it holds; 0 for every other rule.
     */
    public record Rule(
            String name,
            int version,
            String expression,
            Action action,
            String reasonCode,
            int priority,
            State state,
            double scoreAdjustment) {
        public Rule {
            if (!(scoreAdjustment >= -1 && scoreAdjustment <= 1) || (scoreAdjustment != 0 && action != Action.NONE)) {
                throw new IllegalArgumentException(
                        "a score adjustment is -1..1, and only a rule with action NONE has one: " + name);
            }
        }

        /** A rule without a score adjustment. */
        public Rule(
                String name,
                int version,
                String expression,
                Action action,
                String reasonCode,
                int priority,
                State state) {
            this(name, version, expression, action, reasonCode, priority, state, 0);
        }

        /** Whether it can change an outcome when it holds: an action, or a score adjustment. */
        boolean acts() {
            return action != Action.NONE || scoreAdjustment != 0;
        }

        /** The same rule in another state. */
        public Rule in(State other) {
            return new Rule(name, version, expression, action, reasonCode, priority, other, scoreAdjustment);
        }
    }

    /** A rule whose expression did not compile: where and why. */
    public static final class InvalidRule extends Exception {
        private final int line;
        private final int column;

        InvalidRule(String message, int line, int column) {
            super(message, null, false, false);
            this.line = line;
            this.column = column;
        }

        public int line() {
            return line;
        }

        public int column() {
            return column;
        }
    }

    /**
     * What the rules did to one decision: the outcome they set (null: none), the sum of the score adjustments of the
     * active rules that held (applied only when no rule set the outcome) and the reasons they add.
     */
    public record Verdict(Outcome outcome, double adjustment, List<Reason> reasons) {
        static final Verdict NONE = new Verdict(null, 0, List.of());

        /**
         * The outcome of a decision the rules saw, when no list decided it: the rule's, else the thresholds applied to
         * the model's score plus the adjustments (held to 0..1).
         */
        public Outcome outcome(Thresholds thresholds, double score) {
            if (outcome != null) {
                return outcome;
            }
            return thresholds.apply(adjustment == 0 ? score : Math.min(1, Math.max(0, score + adjustment)));
        }
    }

    /** What a rule may read of the transaction, typed: a field that does not exist or a wrong type is refused. */
    private static final StructType TX = struct(
            "fraudscore.Transaction",
            Map.ofEntries(
                    Map.entry("transactionId", SimpleType.STRING),
                    Map.entry("cardId", SimpleType.STRING),
                    Map.entry("terminalId", SimpleType.STRING),
                    Map.entry("amount", SimpleType.DOUBLE),
                    Map.entry("currency", SimpleType.STRING),
                    Map.entry("customerId", SimpleType.STRING),
                    Map.entry("deviceId", SimpleType.STRING),
                    Map.entry("ipAddress", SimpleType.STRING),
                    Map.entry("mcc", SimpleType.STRING),
                    Map.entry("country", SimpleType.STRING),
                    Map.entry("channel", SimpleType.STRING),
                    Map.entry("hour", SimpleType.INT)));
    /** The model's features by name, each a double (NaN where the model saw none). */
    private static final StructType FEATURES =
            struct("fraudscore.Features", Feature.names().stream().collect(Collectors.toMap(n -> n, n ->
                    (CelType) SimpleType.DOUBLE)));

    private static final StructType LISTED =
            struct("fraudscore.Listed", Map.of("block", SimpleType.BOOL, "allow", SimpleType.BOOL));

    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .setTypeProvider(new CelTypeProvider() {
                @Override
                public ImmutableCollection<CelType> types() {
                    return ImmutableList.of(TX, FEATURES, LISTED);
                }

                @Override
                public Optional<CelType> findType(String name) {
                    return types().stream().filter(t -> t.name().equals(name)).findFirst();
                }
            })
            .addVar("tx", TX)
            .addVar("features", FEATURES)
            .addVar("score", SimpleType.DOUBLE)
            .addVar("listed", LISTED)
            .setResultType(SimpleType.BOOL)
            .build();

    private static StructType struct(String name, Map<String, CelType> fields) {
        return StructType.create(name, ImmutableSet.copyOf(fields.keySet()), f -> Optional.ofNullable(fields.get(f)));
    }

    private static final CelRuntime RUNTIME =
            CelRuntimeFactory.plannerRuntimeBuilder().build();

    /** The hit-rate guard's defaults (config decision.ruleGuardWindow and decision.ruleGuardShare). */
    public static final int GUARD_WINDOW = 200;

    public static final double GUARD_SHARE = 0.5;

    /**
     * The hit-rate guard: an active rule with an action that holds for more than {@code guardShare} of the {@code
     * guardWindow} decisions it was last evaluated on (a mistyped rule can decline everything) stops acting on this
     * node at once, and {@code onTrip} is told once so that it is switched to shadow everywhere. A window of 0: no
     * guard (a backtest measures what a rule would do, however often it holds).
     */
    private final int guardWindow;

    private final double guardShare;

    public RiskRules(int guardWindow, double guardShare) {
        if (guardWindow < 0 || !(guardShare > 0 && guardShare <= 1)) {
            throw new IllegalArgumentException("guard window >= 0 and 0 < share <= 1");
        }
        this.guardWindow = guardWindow;
        this.guardShare = guardShare;
    }

    /** Rules with the default hit-rate guard. */
    public RiskRules() {
        this(GUARD_WINDOW, GUARD_SHARE);
    }

    /** Rules without a guard (backtests). */
    public static RiskRules unguarded() {
        return new RiskRules(0, 1.0);
    }

    public int guardWindow() {
        return guardWindow;
    }

    public double guardShare() {
        return guardShare;
    }

    private volatile Consumer<Rule> onTrip = r -> {};

    /** Called once for each rule version the guard stops (from the deciding thread: hand it off). */
    public void onTrip(Consumer<Rule> listener) {
        this.onTrip = listener;
    }

    private final class Compiled {
        final Rule rule;
        final CelRuntime.Program program;
        /** The expression as Java closures; null when it needs CEL's runtime. */
        final RuleCompiler.Node fast;

        final AtomicInteger evaluated = new AtomicInteger();
        final AtomicInteger held = new AtomicInteger();
        volatile boolean tripped;

        Compiled(Rule rule, CelRuntime.Program program, RuleCompiler.Node fast) {
            this.rule = rule;
            this.program = program;
            this.fast = fast;
        }

        boolean holds(Input vars) {
            return fast != null ? fast.eval(vars) == Boolean.TRUE : RiskRules.holds(program, vars);
        }

        Rule rule() {
            return rule;
        }

        /** Counts one evaluation; true when this one trips the guard. */
        boolean count(boolean holds) {
            if (guardWindow == 0 || rule.state() != State.ACTIVE || !rule.acts() || tripped) {
                return false;
            }
            if (holds) {
                held.incrementAndGet();
            }
            if (evaluated.incrementAndGet() < guardWindow) {
                return false;
            }
            int h = held.getAndSet(0);
            evaluated.set(0);
            if (h > guardShare * guardWindow) {
                tripped = true;
                return true;
            }
            return false;
        }
    }

    private volatile List<Compiled> rules = List.of();

    /** Compiles and type-checks an expression; the position of the first error (1-based line and column). */
    public static CelRuntime.Program compile(String expression) throws InvalidRule {
        return program(check(expression));
    }

    /** Parses and type-checks an expression; the position of the first error (1-based line and column). */
    static CelAbstractSyntaxTree check(String expression) throws InvalidRule {
        try {
            return COMPILER.compile(expression).getAst();
        } catch (CelValidationException e) {
            CelIssue first = e.getErrors().get(0);
            int line = first.getSourceLocation().getLine();
            int column = first.getSourceLocation().getColumn() + 1;
            throw new InvalidRule(first.getMessage(), Math.max(line, 1), Math.max(column, 1));
        }
    }

    /** CEL's own runtime for a checked expression. */
    static CelRuntime.Program program(CelAbstractSyntaxTree ast) throws InvalidRule {
        try {
            return RUNTIME.createProgram(ast);
        } catch (CelEvaluationException e) {
            throw new InvalidRule(e.getMessage(), 1, 1);
        }
    }

    /** Puts the given rule versions in force (each compiled here; one that no longer compiles is left out). */
    public List<String> replace(List<Rule> versions) {
        List<Compiled> compiled = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (Rule r : versions) {
            if (r.state() == State.DISABLED) {
                continue;
            }
            try {
                CelAbstractSyntaxTree ast = check(r.expression());
                compiled.add(new Compiled(r, program(ast), RuleCompiler.compile(ast)));
            } catch (InvalidRule e) {
                refused.add(r.name() + " v" + r.version() + ": " + e.getMessage());
            }
        }
        compiled.sort(Comparator.comparingInt((Compiled c) -> c.rule().priority())
                .thenComparing(c -> c.rule().name()));
        rules = List.copyOf(compiled);
        return refused;
    }

    public int size() {
        return rules.size();
    }

    /**
     * Evaluates the rules in force on one decision. {@code features}: the model's row in {@link Feature#ORDER}
     * (null when the features were not computed: rules that read them do not hold); {@code score}: NaN when there is
     * none; {@code listed}: the list entry that matched, or null.
     */
    public Verdict evaluate(Transaction tx, float[] features, double score, RiskLists.Entry listed) {
        List<Compiled> in = rules;
        if (in.isEmpty()) {
            return Verdict.NONE;
        }
        Input vars = new Input(tx, features, score, listed);
        Outcome outcome = null;
        double adjustment = 0;
        List<Reason> reasons = null;
        for (Compiled c : in) {
            boolean holds = c.holds(vars);
            if (c.count(holds)) {
                onTrip.accept(c.rule());
            }
            if (!holds) {
                continue;
            }
            Rule r = c.rule();
            if (reasons == null) {
                reasons = new ArrayList<>(2);
            }
            // the reason's value is the rule's version, its contribution the rule's score adjustment
            if (r.state() == State.SHADOW || c.tripped) {
                reasons.add(new Reason("SHADOW_" + r.reasonCode(), r.version(), r.scoreAdjustment()));
                continue;
            }
            reasons.add(new Reason(r.reasonCode(), r.version(), r.scoreAdjustment()));
            adjustment += r.scoreAdjustment();
            if (outcome == null && r.action() != Action.NONE) {
                outcome = r.action().outcome();
            }
        }
        return reasons == null ? Verdict.NONE : new Verdict(outcome, adjustment, reasons);
    }

    static boolean holds(CelRuntime.Program program, CelVariableResolver vars) {
        try {
            return Boolean.TRUE.equals(program.eval(vars));
        } catch (CelEvaluationException e) {
            return false;
        }
    }

    /**
     * One decision as the rules see it, built once per decision: the variables are views over the transaction and
     * the feature row, read field by field as an expression selects them (nothing is copied into maps).
     */
    static final class Input implements CelVariableResolver {
        private final Transaction tx;
        private final float[] features;
        private final double score;
        private final boolean block;
        private final boolean allow;
        private Double amount;

        Input(Transaction tx, float[] features, double score, RiskLists.Entry listed) {
            this.tx = tx;
            this.features = features;
            this.score = score;
            this.block = listed != null && listed.list() == RiskLists.ListType.BLOCK;
            this.allow = listed != null && listed.list() == RiskLists.ListType.ALLOW;
        }

        Transaction tx() {
            return tx;
        }

        Object amount() {
            Double a = amount;
            if (a == null) {
                a = amount = tx.amountAsDouble();
            }
            return a;
        }

        Object hour() {
            return (long) tx.timestamp().getHour();
        }

        /** The feature at {@code i} of the model's row; null when the features were not computed. */
        Object feature(int i) {
            return features == null || i >= features.length ? null : (double) features[i];
        }

        /** A new box per read: CEL's runtime takes one object as equal to itself, which would make NaN == NaN. */
        Object score() {
            return Double.valueOf(score);
        }

        Object block() {
            return block;
        }

        Object allow() {
            return allow;
        }

        @Override
        public Optional<Object> find(String name) {
            return switch (name) {
                case "tx" -> Optional.of(new TxValue(this));
                case "features" -> Optional.of(new FeaturesValue(this));
                case "score" -> Optional.of(score());
                case "listed" -> Optional.of(new ListedValue(block, allow));
                default -> Optional.empty();
            };
        }
    }

    /** A struct whose fields are read on demand; an absent field fails the expression unless tested with has(). */
    private abstract static class View<V> extends StructValue<String, V> {
        /** The field's value, or null when it is absent. */
        abstract Object field(String name);

        @Override
        public Object select(String name) {
            Object v = field(name);
            if (v == null) {
                throw CelAttributeNotFoundException.forFieldResolution(name);
            }
            return v;
        }

        @Override
        public Optional<?> find(String name) {
            return Optional.ofNullable(field(name));
        }

        @Override
        public boolean isZeroValue() {
            return false;
        }
    }

    private static final class TxValue extends View<Transaction> {
        private final Input in;
        private final Transaction tx;

        TxValue(Input in) {
            this.in = in;
            this.tx = in.tx();
        }

        @Override
        Object field(String name) {
            return switch (name) {
                case "transactionId" -> tx.transactionId();
                case "cardId" -> tx.cardId();
                case "terminalId" -> tx.terminalId();
                case "amount" -> in.amount();
                case "currency" -> tx.currency();
                case "customerId" -> tx.customerId();
                case "deviceId" -> tx.deviceId();
                case "ipAddress" -> tx.ipAddress();
                case "mcc" -> tx.mcc();
                case "country" -> tx.country();
                case "channel" -> tx.channel() == null ? null : tx.channel().name();
                case "hour" -> in.hour();
                default -> null;
            };
        }

        @Override
        public Transaction value() {
            return tx;
        }

        @Override
        public CelType celType() {
            return TX;
        }
    }

    /** The model's row by feature name; every field absent when the features were not computed. */
    private static final class FeaturesValue extends View<float[]> {
        private static final Map<String, Integer> INDEX = Feature.ORDER.stream()
                .collect(Collectors.toUnmodifiableMap(Feature::featureName, f -> Feature.ORDER.indexOf(f)));
        private final Input in;

        FeaturesValue(Input in) {
            this.in = in;
        }

        @Override
        Object field(String name) {
            Integer i = INDEX.get(name);
            return i == null ? null : in.feature(i);
        }

        @Override
        public float[] value() {
            return in.features;
        }

        @Override
        public CelType celType() {
            return FEATURES;
        }
    }

    private static final class ListedValue extends View<Boolean> {
        private final boolean block;
        private final boolean allow;

        ListedValue(boolean block, boolean allow) {
            this.block = block;
            this.allow = allow;
        }

        @Override
        Object field(String name) {
            return switch (name) {
                case "block" -> block;
                case "allow" -> allow;
                default -> null;
            };
        }

        @Override
        public Boolean value() {
            return block || allow;
        }

        @Override
        public CelType celType() {
            return LISTED;
        }
    }
}
