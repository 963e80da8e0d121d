package dev.fraudscore.node.risk;

import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.fraudscore.domain.Outcome;
import dev.fraudscore.domain.Reason;
import dev.fraudscore.domain.Transaction;
import dev.fraudscore.features.Feature;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
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
 * listed.allow}), with an action (APPROVE, REVIEW, DECLINE, or NONE: only its reason code), a priority (lower first)
 * and a state: {@code active} (acts), {@code shadow} (evaluated and recorded, never acts), {@code disabled}. A rule is
 * compiled and type-checked once per version, when it is saved and when a node loads it, never per decision. On a
 * decision the first active rule (by priority) whose expression holds and that has an action sets the outcome; every
 * active rule that holds adds its reason code, every shadow rule that holds adds {@code SHADOW_} and its code (the
 * reason's value is the rule's version). An expression that fails at run time (an optional field the transaction does not have: test it with {@code
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

    /** A rule version as stored. */
    public record Rule(
            String name, int version, String expression, Action action, String reasonCode, int priority, State state) {}

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

    /** What the rules did to one decision: the outcome they set (null: none) and the reasons they add. */
    public record Verdict(Outcome outcome, List<Reason> reasons) {
        static final Verdict NONE = new Verdict(null, List.of());
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
            CelRuntimeFactory.standardCelRuntimeBuilder().build();

    /**
     * The hit-rate guard: an active rule with an action that holds for more than {@value #GUARD_SHARE} of the
     * {@value #GUARD_WINDOW} decisions it was evaluated on (a mistyped rule can decline everything) stops acting on
     * this node at once, and {@code onTrip} is told once so that it is switched to shadow everywhere.
     */
    static final int GUARD_WINDOW = 200;

    static final double GUARD_SHARE = 0.5;

    private volatile Consumer<Rule> onTrip = r -> {};

    /** Called once for each rule version the guard stops (from the deciding thread: hand it off). */
    public void onTrip(Consumer<Rule> listener) {
        this.onTrip = listener;
    }

    private static final class Compiled {
        final Rule rule;
        final CelRuntime.Program program;
        final AtomicInteger evaluated = new AtomicInteger();
        final AtomicInteger held = new AtomicInteger();
        volatile boolean tripped;

        Compiled(Rule rule, CelRuntime.Program program) {
            this.rule = rule;
            this.program = program;
        }

        Rule rule() {
            return rule;
        }

        CelRuntime.Program program() {
            return program;
        }

        /** Counts one evaluation; true when this one trips the guard. */
        boolean count(boolean holds) {
            if (rule.state() != State.ACTIVE || rule.action() == Action.NONE || tripped) {
                return false;
            }
            if (holds) {
                held.incrementAndGet();
            }
            if (evaluated.incrementAndGet() < GUARD_WINDOW) {
                return false;
            }
            int h = held.getAndSet(0);
            evaluated.set(0);
            if (h > GUARD_SHARE * GUARD_WINDOW) {
                tripped = true;
                return true;
            }
            return false;
        }
    }

    private volatile List<Compiled> rules = List.of();

    /** Compiles and type-checks an expression; the position of the first error (1-based line and column). */
    public static CelRuntime.Program compile(String expression) throws InvalidRule {
        try {
            CelAbstractSyntaxTree ast = COMPILER.compile(expression).getAst();
            return RUNTIME.createProgram(ast);
        } catch (CelValidationException e) {
            CelIssue first = e.getErrors().get(0);
            int line = first.getSourceLocation().getLine();
            int column = first.getSourceLocation().getColumn() + 1;
            throw new InvalidRule(first.getMessage(), Math.max(line, 1), Math.max(column, 1));
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
                compiled.add(new Compiled(r, compile(r.expression())));
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
        Map<String, Object> vars = activation(tx, features, score, listed);
        Outcome outcome = null;
        List<Reason> reasons = new ArrayList<>(2);
        for (Compiled c : in) {
            boolean holds = holds(c.program(), vars);
            if (c.count(holds)) {
                onTrip.accept(c.rule());
            }
            if (!holds) {
                continue;
            }
            Rule r = c.rule();
            if (r.state() == State.SHADOW || c.tripped) {
                reasons.add(new Reason("SHADOW_" + r.reasonCode(), r.version(), 0));
                continue;
            }
            reasons.add(new Reason(r.reasonCode(), r.version(), 0));
            if (outcome == null && r.action() != Action.NONE) {
                outcome = r.action().outcome();
            }
        }
        return reasons.isEmpty() ? Verdict.NONE : new Verdict(outcome, reasons);
    }

    private static boolean holds(CelRuntime.Program program, Map<String, Object> vars) {
        try {
            return Boolean.TRUE.equals(program.eval(vars));
        } catch (CelEvaluationException e) {
            return false;
        }
    }

    static Map<String, Object> activation(Transaction tx, float[] features, double score, RiskLists.Entry listed) {
        Map<String, Object> t = new HashMap<>(16);
        t.put("transactionId", tx.transactionId());
        t.put("cardId", tx.cardId());
        t.put("terminalId", tx.terminalId());
        t.put("amount", tx.amountAsDouble());
        t.put("currency", tx.currency());
        put(t, "customerId", tx.customerId());
        put(t, "deviceId", tx.deviceId());
        put(t, "ipAddress", tx.ipAddress());
        put(t, "mcc", tx.mcc());
        put(t, "country", tx.country());
        put(t, "channel", tx.channel() == null ? null : tx.channel().name());
        t.put("hour", (long) tx.timestamp().getHour());
        Map<String, Object> f = new HashMap<>(Feature.COUNT * 2);
        if (features != null) {
            for (int i = 0; i < Feature.COUNT && i < features.length; i++) {
                f.put(Feature.ORDER.get(i).featureName(), (double) features[i]);
            }
        }
        return Map.of(
                "tx",
                t,
                "features",
                f,
                "score",
                score,
                "listed",
                Map.of(
                        "block", listed != null && listed.list() == RiskLists.ListType.BLOCK,
                        "allow", listed != null && listed.list() == RiskLists.ListType.ALLOW));
    }

    private static void put(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
