package dev.harbormaster.engine;

import dev.cel.runtime.CelVariableResolver;
import dev.harbormaster.cel.Budget;
import dev.harbormaster.cel.CelEnvironment;
import dev.harbormaster.cel.CelExpression;
import dev.harbormaster.cel.CelJson;
import dev.harbormaster.cel.CelResult;
import dev.harbormaster.cluster.ClusterView;
import dev.harbormaster.policy.CompiledPolicy;
import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The variables one policy's expressions see for one request, and the request's budget they are
 * charged to. {@code variables} is lazy: each variable is evaluated the first time an expression
 * reads it, then kept (a failure too), as in ValidatingAdmissionPolicy.
 */
final class Activation implements CelVariableResolver {

    private final AdmissionInput input;
    private final Object params;
    private final Map<String, Object> namespaceObject;
    private final ClusterView cluster;
    private final Budget budget;
    private final LazyVariables variables;

    Activation(AdmissionInput input, CompiledPolicy policy, Map<String, Object> namespaceObject, ClusterView cluster, Budget budget) {
        this.input = input;
        this.params = policy.params();
        this.namespaceObject = namespaceObject;
        this.cluster = cluster;
        this.budget = budget;
        this.variables = new LazyVariables(policy.variables());
    }

    /** Evaluates one of the policy's expressions with these variables, charged to the request's budget. */
    CelResult eval(CelExpression expression) {
        return expression.eval(this, budget);
    }

    @Override
    public Optional<Object> find(String name) {
        Object value = switch (name) {
            case CelEnvironment.OBJECT -> input.object();
            case CelEnvironment.OLD_OBJECT -> input.oldObject();
            case CelEnvironment.REQUEST -> input.request();
            case CelEnvironment.PARAMS -> params;
            case CelEnvironment.NAMESPACE_OBJECT -> namespaceObject;
            case CelEnvironment.VARIABLES -> variables;
            case CelEnvironment.CLUSTER -> cluster;
            default -> null;
        };
        // An absent object (DELETE has no object, CREATE no oldObject) reads as null, not as unknown.
        return Optional.of(value == null ? dev.cel.common.values.NullValue.NULL_VALUE : value);
    }

    private final class LazyVariables extends AbstractMap<String, Object> {
        private final List<CompiledPolicy.Named> declared;
        /** Each variable's value, by position; null until it has been evaluated. */
        private final Object[] values;

        LazyVariables(List<CompiledPolicy.Named> declared) {
            this.declared = declared;
            this.values = new Object[declared.size()];
        }

        private int indexOf(Object name) {
            for (int i = 0; i < declared.size(); i++) {
                if (declared.get(i).name().equals(name)) {
                    return i;
                }
            }
            return -1;
        }

        @Override
        public boolean containsKey(Object key) {
            return indexOf(key) >= 0;
        }

        /** Without evaluating anything: the budget charges a map by its size, and variables are read lazily. */
        @Override
        public int size() {
            return declared.size();
        }

        @Override
        public Object get(Object key) {
            int index = indexOf(key);
            if (index < 0) {
                return null;
            }
            if (values[index] == null) {
                CompiledPolicy.Named variable = declared.get(index);
                CelResult result = eval(variable.expression());
                if (result instanceof CelResult.Value value) {
                    values[index] = CelJson.isNull(value.value()) ? dev.cel.common.values.NullValue.NULL_VALUE : value.value();
                } else {
                    values[index] = ((CelResult.Failure) result).of(variable.name());
                }
            }
            if (values[index] instanceof CelResult.Failure failure) {
                // Out through cel-java's interpreter to the expression that read it (CelExpression unwraps
                // it); a bound reached stops that expression at once too.
                if (failure.kind() == CelResult.Failure.Kind.BOUND) {
                    throw new Budget.Exceeded(failure.message());
                }
                throw new CelResult.Abort(failure);
            }
            return values[index];
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            Map<String, Object> all = new LinkedHashMap<>();
            for (CompiledPolicy.Named variable : declared) {
                all.put(variable.name(), get(variable.name()));
            }
            return all.entrySet();
        }
    }
}
