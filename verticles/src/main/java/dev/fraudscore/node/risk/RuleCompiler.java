package dev.fraudscore.node.risk;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import dev.fraudscore.features.Feature;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Turns a type-checked CEL expression into a tree of Java closures evaluated straight over a decision's {@link
 * RiskRules.Input}: field reads become array and getter reads, operators direct Java operations. It covers what rules
 * are written with (the logical operators and the conditional, comparisons and equality on same-typed values, double
 * and int arithmetic, {@code in} a list of constants, {@code has()}, {@code startsWith} / {@code endsWith} / {@code
 * contains} / {@code size} on strings) and keeps CEL's semantics, errors included: an absent field, an int overflow or
 * a division by zero is an error, {@code &&} and {@code ||} absorb an error when the other side decides, and a rule
 * whose result is an error does not hold. Anything else (regular expressions, conversions, macros over lists, mixed
 * numeric types) returns null: such a rule runs on CEL's own runtime. RuleCompilerTest checks both agree.
 */
final class RuleCompiler {
    /** A compiled (sub)expression: a Boolean, Long, Double or String, or {@link #ERROR}. */
    @FunctionalInterface
    interface Node {
        Object eval(RiskRules.Input in);
    }

    /** CEL's error value: what an absent field, an overflow or a division by zero evaluates to. */
    static final Object ERROR = new Object() {
        @Override
        public String toString() {
            return "<error>";
        }
    };

    private static final class Unsupported extends Exception {
        Unsupported() {
            super(null, null, false, false);
        }
    }

    private final CelAbstractSyntaxTree ast;

    private RuleCompiler(CelAbstractSyntaxTree ast) {
        this.ast = ast;
    }

    /** The expression as closures, or null when it uses something this compiler leaves to CEL's runtime. */
    static Node compile(CelAbstractSyntaxTree ast) {
        try {
            return new RuleCompiler(ast).node(ast.getExpr());
        } catch (Unsupported e) {
            return null;
        }
    }

    private CelType type(CelExpr e) {
        return ast.getType(e.id()).orElse(SimpleType.DYN);
    }

    private Node node(CelExpr e) throws Unsupported {
        return switch (e.exprKind().getKind()) {
            case CONSTANT -> constant(e.constant());
            case IDENT -> ident(e.ident().name());
            case SELECT -> select(e.select());
            case CALL -> call(e, e.call());
            default -> throw new Unsupported();
        };
    }

    private static Node constant(CelConstant c) throws Unsupported {
        Object v = switch (c.getKind()) {
            case BOOLEAN_VALUE -> c.booleanValue();
            case INT64_VALUE -> c.int64Value();
            case DOUBLE_VALUE -> c.doubleValue();
            case STRING_VALUE -> c.stringValue();
            default -> throw new Unsupported();
        };
        return in -> v;
    }

    private static Node ident(String name) throws Unsupported {
        if (name.equals("score")) {
            return RiskRules.Input::score;
        }
        throw new Unsupported();
    }

    private static Node select(CelExpr.CelSelect s) throws Unsupported {
        if (s.operand().exprKind().getKind() != CelExpr.ExprKind.Kind.IDENT) {
            throw new Unsupported();
        }
        String field = s.field();
        Node read = switch (s.operand().ident().name()) {
            case "tx" -> txField(field);
            case "features" -> featureField(field);
            case "listed" -> listedField(field);
            default -> throw new Unsupported();
        };
        if (s.testOnly()) {
            return in -> read.eval(in) != null;
        }
        return in -> {
            Object v = read.eval(in);
            return v == null ? ERROR : v;
        };
    }

    /** A field of the transaction; null when the transaction does not have it. */
    private static Node txField(String field) throws Unsupported {
        return switch (field) {
            case "transactionId" -> in -> in.tx().transactionId();
            case "cardId" -> in -> in.tx().cardId();
            case "terminalId" -> in -> in.tx().terminalId();
            case "amount" -> RiskRules.Input::amount;
            case "currency" -> in -> in.tx().currency();
            case "customerId" -> in -> in.tx().customerId();
            case "deviceId" -> in -> in.tx().deviceId();
            case "ipAddress" -> in -> in.tx().ipAddress();
            case "mcc" -> in -> in.tx().mcc();
            case "country" -> in -> in.tx().country();
            case "channel" ->
                in -> in.tx().channel() == null ? null : in.tx().channel().name();
            case "hour" -> RiskRules.Input::hour;
            default -> throw new Unsupported();
        };
    }

    private static Node featureField(String field) throws Unsupported {
        int i = Feature.names().indexOf(field);
        if (i < 0) {
            throw new Unsupported();
        }
        return in -> in.feature(i);
    }

    private static Node listedField(String field) throws Unsupported {
        return switch (field) {
            case "block" -> RiskRules.Input::block;
            case "allow" -> RiskRules.Input::allow;
            default -> throw new Unsupported();
        };
    }

    private Node call(CelExpr e, CelExpr.CelCall c) throws Unsupported {
        if (c.function().equals("@in") && c.target().isEmpty()) {
            return in(c.args().get(0), node(c.args().get(0)), c.args().get(1));
        }
        List<Node> args = new ArrayList<>();
        for (CelExpr a : c.args()) {
            args.add(node(a));
        }
        if (c.target().isPresent()) {
            return method(c.function(), c.target().get(), args);
        }
        String f = c.function();
        switch (f) {
            case "_&&_":
                return and(args.get(0), args.get(1));
            case "_||_":
                return or(args.get(0), args.get(1));
            case "!_":
                return not(args.get(0));
            case "_?_:_":
                return conditional(args.get(0), args.get(1), args.get(2));
            default:
                break;
        }
        if (args.size() == 2) {
            CelType left = type(c.args().get(0));
            CelType right = type(c.args().get(1));
            if (!left.equals(right)) {
                throw new Unsupported(); // mixed numeric comparisons and the like: CEL's runtime
            }
            return binary(f, left, args.get(0), args.get(1));
        }
        if (f.equals("-_") && type(e).equals(SimpleType.DOUBLE)) {
            Node a = args.get(0);
            return in -> {
                Object v = a.eval(in);
                return v == ERROR ? ERROR : -(Double) v;
            };
        }
        throw new Unsupported();
    }

    private static Node and(Node a, Node b) {
        return in -> {
            Object x = a.eval(in);
            if (x == Boolean.FALSE) {
                return false;
            }
            Object y = b.eval(in);
            if (y == Boolean.FALSE) {
                return false;
            }
            return x == ERROR || y == ERROR ? ERROR : Boolean.TRUE;
        };
    }

    private static Node or(Node a, Node b) {
        return in -> {
            Object x = a.eval(in);
            if (x == Boolean.TRUE) {
                return true;
            }
            Object y = b.eval(in);
            if (y == Boolean.TRUE) {
                return true;
            }
            return x == ERROR || y == ERROR ? ERROR : Boolean.FALSE;
        };
    }

    private static Node not(Node a) {
        return in -> {
            Object x = a.eval(in);
            return x == ERROR ? ERROR : !(Boolean) x;
        };
    }

    private static Node conditional(Node test, Node then, Node otherwise) {
        return in -> {
            Object t = test.eval(in);
            if (t == ERROR) {
                return ERROR;
            }
            return (Boolean) t ? then.eval(in) : otherwise.eval(in);
        };
    }

    /** {@code x in [constants]}, the list's elements all of x's type. */
    private Node in(CelExpr left, Node value, CelExpr list) throws Unsupported {
        if (list.exprKind().getKind() != CelExpr.ExprKind.Kind.LIST
                || !list.list().optionalIndices().isEmpty()) {
            throw new Unsupported();
        }
        CelType t = type(left);
        if (!t.equals(SimpleType.STRING) && !t.equals(SimpleType.INT) && !t.equals(SimpleType.BOOL)) {
            throw new Unsupported(); // doubles: NaN and -0.0 make set membership differ from CEL's equality
        }
        Set<Object> members = new HashSet<>();
        for (CelExpr element : list.list().elements()) {
            if (element.exprKind().getKind() != CelExpr.ExprKind.Kind.CONSTANT
                    || !type(element).equals(t)) {
                throw new Unsupported();
            }
            members.add(constant(element.constant()).eval(null));
        }
        Set<Object> set = Set.copyOf(members);
        return in -> {
            Object v = value.eval(in);
            return v == ERROR ? ERROR : set.contains(v);
        };
    }

    private static Node binary(String f, CelType t, Node a, Node b) throws Unsupported {
        if (t.equals(SimpleType.DOUBLE)) {
            return doubles(f, a, b);
        }
        if (t.equals(SimpleType.INT)) {
            return ints(f, a, b);
        }
        if (t.equals(SimpleType.STRING) || t.equals(SimpleType.BOOL)) {
            return switch (f) {
                case "_==_" -> strict(a, b, Objects::equals);
                case "_!=_" -> strict(a, b, (x, y) -> !x.equals(y));
                case "_+_" -> {
                    if (!t.equals(SimpleType.STRING)) {
                        throw new Unsupported();
                    }
                    yield in -> {
                        Object x = a.eval(in);
                        Object y = b.eval(in);
                        return x == ERROR || y == ERROR ? ERROR : (String) x + y;
                    };
                }
                default -> throw new Unsupported(); // string ordering is by code point in CEL
            };
        }
        throw new Unsupported();
    }

    private interface Test {
        boolean test(Object x, Object y);
    }

    private static Node strict(Node a, Node b, Test op) {
        return in -> {
            Object x = a.eval(in);
            Object y = b.eval(in);
            return x == ERROR || y == ERROR ? ERROR : op.test(x, y);
        };
    }

    private interface DoubleOp {
        Object apply(double x, double y);
    }

    private static Node doubles(String f, Node a, Node b) throws Unsupported {
        DoubleOp op = switch (f) {
            case "_==_" -> (x, y) -> x == y;
            case "_!=_" -> (x, y) -> x != y;
            case "_<_" -> (x, y) -> x < y;
            case "_<=_" -> (x, y) -> x <= y;
            case "_>_" -> (x, y) -> x > y;
            case "_>=_" -> (x, y) -> x >= y;
            case "_+_" -> (x, y) -> x + y;
            case "_-_" -> (x, y) -> x - y;
            case "_*_" -> (x, y) -> x * y;
            case "_/_" -> (x, y) -> x / y;
            default -> throw new Unsupported();
        };
        return in -> {
            Object x = a.eval(in);
            Object y = b.eval(in);
            return x == ERROR || y == ERROR ? ERROR : op.apply((Double) x, (Double) y);
        };
    }

    private interface LongOp {
        Object apply(long x, long y);
    }

    private static Node ints(String f, Node a, Node b) throws Unsupported {
        LongOp op = switch (f) {
            case "_==_" -> (x, y) -> x == y;
            case "_!=_" -> (x, y) -> x != y;
            case "_<_" -> (x, y) -> x < y;
            case "_<=_" -> (x, y) -> x <= y;
            case "_>_" -> (x, y) -> x > y;
            case "_>=_" -> (x, y) -> x >= y;
            case "_+_" -> RuleCompiler::add;
            case "_-_" -> RuleCompiler::subtract;
            case "_*_" -> RuleCompiler::multiply;
            case "_/_" -> (x, y) -> y == 0 || (x == Long.MIN_VALUE && y == -1) ? ERROR : x / y;
            case "_%_" -> (x, y) -> y == 0 || (x == Long.MIN_VALUE && y == -1) ? ERROR : x % y;
            default -> throw new Unsupported();
        };
        return in -> {
            Object x = a.eval(in);
            Object y = b.eval(in);
            return x == ERROR || y == ERROR ? ERROR : op.apply((Long) x, (Long) y);
        };
    }

    private static Object add(long x, long y) {
        long r = x + y;
        return ((x ^ r) & (y ^ r)) < 0 ? ERROR : r;
    }

    private static Object subtract(long x, long y) {
        long r = x - y;
        return ((x ^ y) & (x ^ r)) < 0 ? ERROR : r;
    }

    private static Object multiply(long x, long y) {
        long hi = Math.multiplyHigh(x, y);
        long lo = x * y;
        return (hi == 0 && lo >= 0) || (hi == -1 && lo < 0) ? lo : ERROR;
    }

    /** String methods: {@code s.startsWith(t)}, {@code endsWith}, {@code contains}, {@code s.size()}. */
    private Node method(String f, CelExpr target, List<Node> args) throws Unsupported {
        if (!type(target).equals(SimpleType.STRING)) {
            throw new Unsupported();
        }
        Node s = node(target);
        if (f.equals("size") && args.isEmpty()) {
            return in -> {
                Object x = s.eval(in);
                return x == ERROR ? ERROR : (long) ((String) x).codePointCount(0, ((String) x).length());
            };
        }
        if (args.size() != 1) {
            throw new Unsupported();
        }
        Node t = args.get(0);
        return switch (f) {
            case "startsWith" -> strict(s, t, (x, y) -> ((String) x).startsWith((String) y));
            case "endsWith" -> strict(s, t, (x, y) -> ((String) x).endsWith((String) y));
            case "contains" -> strict(s, t, (x, y) -> ((String) x).contains((String) y));
            default -> throw new Unsupported();
        };
    }
}
