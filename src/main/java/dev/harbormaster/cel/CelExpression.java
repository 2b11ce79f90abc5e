package dev.harbormaster.cel;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelEvaluationListener;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelVariableResolver;

/** A compiled expression with its source text; evaluation is bounded by the cost limit. */
public final class CelExpression {

    private final String source;
    private final CelRuntime.Program program;
    private final long costLimit;

    CelExpression(String source, CelRuntime.Program program, long costLimit) {
        this.source = source;
        this.program = program;
        this.costLimit = costLimit;
    }

    public String source() {
        return source;
    }

    /**
     * Evaluates against the given variables.
     *
     * @throws CelEvaluationException when the expression fails or goes over the cost limit
     */
    public Object eval(CelVariableResolver variables) throws CelEvaluationException {
        CostMeter meter = new CostMeter(costLimit);
        try {
            return program.trace(variables, meter);
        } catch (CelEvaluationException e) {
            if (meter.exceeded) {
                throw new CelEvaluationException("cost limit exceeded: more than " + costLimit + " evaluation steps");
            }
            throw e;
        }
    }

    @Override
    public String toString() {
        return source;
    }

    /** Counts evaluation steps; cel-java has no cost tracking of its own at run time. */
    private static final class CostMeter implements CelEvaluationListener {
        private final long limit;
        private long steps;
        private boolean exceeded;

        CostMeter(long limit) {
            this.limit = limit;
        }

        @Override
        public void callback(dev.cel.common.ast.CelExpr expr, Object result) {
            if (++steps > limit) {
                exceeded = true;
                throw new IllegalStateException("cost limit exceeded");
            }
        }
    }
}
