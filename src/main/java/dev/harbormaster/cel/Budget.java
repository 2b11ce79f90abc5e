package dev.harbormaster.cel;

import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableExpr;
import dev.cel.runtime.CelEvaluationListener;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;

/**
 * What one request may still spend on CEL: one per request, shared by every expression of every
 * policy, and not thread-safe (a request is evaluated on one thread). cel-java has no run-time cost
 * tracking, so every evaluated node is charged here through its evaluation listener: 1 for the
 * node, plus the size of a string, list or map it built (so that a value that doubles is charged
 * as it grows, as Kubernetes' cost model charges by size). A value past {@link #MAX_STRING_LENGTH}
 * or {@link #MAX_COLLECTION_SIZE} fails at once, before it can double again.
 */
public final class Budget {

    /** Characters one string value may hold: 1 Mi, a third of the largest object kube-apiserver sends. */
    public static final int MAX_STRING_LENGTH = 1 << 20;
    /** Entries one list or map value may hold. */
    public static final int MAX_COLLECTION_SIZE = 100_000;
    /** Characters (or entries) that cost one unit: Kubernetes charges 0.1 per character of a string operation. */
    private static final int SIZE_PER_UNIT = 10;
    /** How many nodes between two looks at the clock. */
    private static final int CLOCK_EVERY = 256;

    private final EvaluationLimits limits;
    private final long deadline;
    private long spent;
    /** The most one expression has cost so far. */
    private long peakExpression;

    private Budget(EvaluationLimits limits, long startNanos) {
        this.limits = limits;
        this.deadline = startNanos + limits.deadline().toNanos();
    }

    /** A budget for a request that starts now. */
    public static Budget start(EvaluationLimits limits) {
        return new Budget(limits, System.nanoTime());
    }

    /** Why no more expression may run for this request, or null while it may. */
    String exhausted() {
        if (spent >= limits.requestCost()) {
            return "request cost limit exceeded: the request's policies took more than " + limits.requestCost() + " (harbormaster.cel.request-cost-limit)";
        }
        if (System.nanoTime() - deadline > 0) {
            return "deadline exceeded: the request's policies took more than " + limits.deadline().toMillis() + " ms (harbormaster.cel.request-deadline)";
        }
        return null;
    }

    /** What the request's expressions have cost so far, all together. */
    public long spent() {
        return spent;
    }

    /** What the costliest expression evaluated so far cost. */
    public long peakExpression() {
        return peakExpression;
    }

    /** A meter for one expression's evaluation, charging this budget at the expression's {@link #charges}. */
    Meter meter(int[] charges) {
        return new Meter(charges);
    }

    /** The charge of a node that builds its value: 1, plus the size of what it built unless that is a scalar. */
    static final int BUILDS = 0;
    /** No charge worked out for the node: it is worked out as it is evaluated. */
    private static final int UNKNOWN = -1;
    /** Node ids past this get no table (they are numbered from 1 by the parser; a table this long is 256 KB). */
    private static final int MAX_TABLE_ID = 1 << 16;

    /**
     * What each node of a compiled expression costs, by node id, worked out once: the steps of a name
     * or field chain, 1 for any other node that hands on a value, or {@link #BUILDS}. Charging a node
     * is then an array read, not a walk of the node on every evaluation (bench/RESULTS.md, 2026-12-03:
     * a tenth off the hot Pod, nothing after an idle gap).
     */
    static int[] charges(CelExpr root) {
        long maxId = CelNavigableExpr.fromExpr(root).allNodes().mapToLong(node -> node.expr().id()).max().orElse(0);
        if (maxId > MAX_TABLE_ID) {
            return new int[0];
        }
        int[] charges = new int[(int) maxId + 1];
        Arrays.fill(charges, UNKNOWN);
        CelNavigableExpr.fromExpr(root).allNodes().forEach(node -> charges[(int) node.expr().id()] = chargeOf(node.expr()));
        return charges;
    }

    /** {@link #BUILDS} for a node that builds its value, else the steps it reads. */
    static int chargeOf(CelExpr expr) {
        return builds(expr) ? BUILDS : steps(expr);
    }

    /**
     * Whether the node builds its value (a call, a list or map literal, a comprehension), so that
     * its size is new: a name, a field or a constant only hands on a value that exists already.
     */
    private static boolean builds(CelExpr expr) {
        return switch (expr.getKind()) {
            case CALL, LIST, MAP, STRUCT, COMPREHENSION -> true;
            default -> false;
        };
    }

    /**
     * What a name or field read costs: one per step. cel-java's planner reports a chain of field reads
     * ({@code object.spec.template}) as one node, the name with its fields; each step is one read, as
     * Kubernetes counts it, so the chain costs its length (without the operand when that is not a name,
     * which is charged as its own node).
     */
    private static int steps(CelExpr expr) {
        int selects = 0;
        if (expr.getKind() == CelExpr.ExprKind.Kind.SELECT && expr.select().testOnly()) {
            // has(a.b): the planner reports the test twice, its operand not as a chain.
            return 1;
        }
        while (expr.getKind() == CelExpr.ExprKind.Kind.SELECT) {
            expr = expr.select().operand();
            selects++;
        }
        return selects == 0 ? 1 : expr.getKind() == CelExpr.ExprKind.Kind.IDENT ? selects + 1 : selects;
    }

    /**
     * Thrown inside cel-java's interpreter to stop it at once. An Error, not an exception, on purpose:
     * CEL absorbs an exception inside {@code &&}, {@code ||} and the comprehension macros (an error
     * in one element does not decide {@code all()}), so a runaway loop would go on to its end, one
     * aborted element at a time. The interpreter does not catch Errors; {@link CelExpression} does.
     */
    public static final class Exceeded extends Error {
        public Exceeded(String reason) {
            super(reason, null, false, false);
        }
    }

    final class Meter implements CelEvaluationListener {
        private final int[] charges;
        private long expressionSpent;
        private int nodes;

        private Meter(int[] charges) {
            this.charges = charges;
        }

        @Override
        public void callback(CelExpr expr, Object result) {
            long cost = cost(expr, result);
            nodes++;
            expressionSpent += cost;
            spent += cost;
            if (expressionSpent > limits.expressionCost()) {
                stop("cost limit exceeded: the expression took more than " + limits.expressionCost() + " (harbormaster.cel.cost-limit)");
            }
            if (spent > limits.requestCost()) {
                stop("request cost limit exceeded: the request's policies took more than " + limits.requestCost()
                        + " (harbormaster.cel.request-cost-limit)");
            }
            if (nodes % CLOCK_EVERY == 0 && System.nanoTime() - deadline > 0) {
                stop("deadline exceeded: the request's policies took more than " + limits.deadline().toMillis()
                        + " ms (harbormaster.cel.request-deadline)");
            }
        }

        /** What the node cost: its charge, or for one that built a string, list or map, 1 plus that value's size. */
        private long cost(CelExpr expr, Object result) {
            long id = expr.id();
            int charge = id >= 0 && id < charges.length ? charges[(int) id] : UNKNOWN;
            if (charge == UNKNOWN) {
                charge = chargeOf(expr);
            }
            // Most nodes give a scalar: for those only a field chain's length matters, not what they build.
            return charge != BUILDS ? charge : isScalar(result) ? 1 : 1 + size(result) / SIZE_PER_UNIT;
        }

        /** Called once the expression's evaluation is over, however it ended. */
        void finished() {
            peakExpression = Math.max(peakExpression, expressionSpent);
        }

        private static boolean isScalar(Object value) {
            if (value == null) {
                return true;
            }
            Class<?> type = value.getClass();
            return type == Boolean.class || type == Long.class || type == Double.class;
        }

        private long size(Object value) {
            if (value instanceof String text) {
                if (text.length() > MAX_STRING_LENGTH) {
                    stop("size limit exceeded: a string of " + text.length() + " characters, over " + MAX_STRING_LENGTH);
                }
                return text.length();
            }
            int entries = value instanceof Collection<?> list ? list.size() : value instanceof Map<?, ?> map ? map.size() : 0;
            if (entries > MAX_COLLECTION_SIZE) {
                stop("size limit exceeded: a list or map of " + entries + " entries, over " + MAX_COLLECTION_SIZE);
            }
            return entries;
        }

        private void stop(String reason) {
            throw new Exceeded(reason);
        }
    }
}
