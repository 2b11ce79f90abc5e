package dev.harbormaster.cel;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelVariableResolver;
import dev.harbormaster.cluster.ClusterUnavailable;

/**
 * A compiled expression with its source text. Every evaluation is charged to the request's
 * {@link Budget}, and gives a {@link CelResult}: the exceptions of cel-java and of our functions stop
 * here.
 */
public final class CelExpression {

    private final String source;
    private final CelRuntime.Program program;
    /** What each node costs, by id ({@link Budget#charges}). */
    private final int[] charges;

    CelExpression(String source, CelAbstractSyntaxTree ast, CelRuntime.Program program) {
        this(source, program, Budget.charges(ast.getExpr()));
    }

    private CelExpression(String source, CelRuntime.Program program, int[] charges) {
        this.source = source;
        this.program = program;
        this.charges = charges;
    }

    /** The same program under another source text (an apply configuration, compiled as the calls it stands for). */
    CelExpression withSource(String source) {
        return new CelExpression(source, program, charges);
    }

    /** The charge table, for the test that checks it against the nodes the interpreter reports. */
    int[] charges() {
        return charges;
    }

    CelRuntime.Program program() {
        return program;
    }

    public String source() {
        return source;
    }

    /** Evaluates against the given variables, charging the budget; never throws for a failing expression. */
    public CelResult eval(CelVariableResolver variables, Budget budget) {
        String exhausted = budget.exhausted();
        if (exhausted != null) {
            return new CelResult.Failure(exhausted, CelResult.Failure.Kind.BOUND);
        }
        Budget.Meter meter = budget.meter(charges);
        try {
            return new CelResult.Value(program.trace(variables, meter));
        } catch (Budget.Exceeded e) {
            return new CelResult.Failure(e.getMessage(), CelResult.Failure.Kind.BOUND);
        } catch (CelEvaluationException | RuntimeException e) {
            return failure(e);
        } catch (StackOverflowError e) {
            // A deeply nested value or expression: the thread's stack is a bound too.
            return new CelResult.Failure("too deeply nested to evaluate", CelResult.Failure.Kind.BOUND);
        } finally {
            meter.finished();
        }
    }

    /** The innermost reason we know: a variable that failed, a cluster that could not answer, or CEL's own message. */
    private static CelResult.Failure failure(Exception e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof CelResult.Abort abort) {
                return abort.failure();
            }
            if (cause instanceof ClusterUnavailable unavailable) {
                return new CelResult.Failure(unavailable.getMessage(), CelResult.Failure.Kind.UNCHECKED);
            }
        }
        return new CelResult.Failure(e.getMessage() == null ? "evaluation failed" : e.getMessage(), CelResult.Failure.Kind.ERROR);
    }

    @Override
    public String toString() {
        return source;
    }
}
