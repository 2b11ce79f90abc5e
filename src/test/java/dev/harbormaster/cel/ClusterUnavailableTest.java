package dev.harbormaster.cel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelVariableResolver;
import dev.harbormaster.cluster.ClusterUnavailable;
import dev.harbormaster.cluster.ClusterView;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A cluster lookup that cannot answer: "could not check", carried out through cel-java without extra wrapping. */
class ClusterUnavailableTest {

    private static final CelVariableResolver OFFLINE = name -> CelEnvironment.CLUSTER.equals(name) ? Optional.of(ClusterView.OFFLINE) : Optional.empty();

    @Test
    void anUnansweredLookupIsNotCheckedWithTheViewsReason() throws Exception {
        CelExpression expression = lookup();

        CelResult result = expression.eval(OFFLINE, Budget.start(EvaluationLimits.DEFAULT));

        assertThat(result).isEqualTo(new CelResult.Failure("no cluster connection (offline)", CelResult.Failure.Kind.UNCHECKED));
    }

    /** cel-java wraps any other exception of a function in an IllegalArgumentException that formats every argument, with a stack trace. */
    @Test
    void celJavaPassesItOnWithoutWrappingItAgain() throws Exception {
        CelExpression expression = lookup();

        Throwable thrown = catchThrowable(() -> expression.program().eval(OFFLINE));

        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            chain.add(t);
        }
        assertThat(chain).last().isInstanceOf(ClusterUnavailable.class);
        assertThat(chain).noneMatch(IllegalArgumentException.class::isInstance);
        assertThat(chain.get(chain.size() - 1).getStackTrace()).isEmpty();
    }

    private static CelExpression lookup() throws CelCompileException {
        return new CelEnvironment().compile("cluster.podDisruptionBudgets('default').size() == 0", SimpleType.BOOL);
    }
}
