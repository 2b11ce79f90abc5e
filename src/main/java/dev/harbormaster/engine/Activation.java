package dev.harbormaster.engine;

import dev.cel.runtime.CelVariableResolver;
import dev.harbormaster.cel.Budget;
import dev.harbormaster.cel.CelEnvironment;
import dev.harbormaster.cel.CelExpression;
import dev.harbormaster.cel.CelJson;
import dev.harbormaster.cel.CelResult;
import dev.harbormaster.cel.CelViews;
import dev.harbormaster.cluster.ClusterView;
import dev.harbormaster.policy.CompiledPolicy;
import dev.cel.common.types.CelType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.CelValue;
import dev.cel.common.values.SelectableValue;
import java.util.Collection;
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
    /** What find gives for each name, made at the first read: the planner asks for the same names again and again. */
    @SuppressWarnings("unchecked")
    private final Optional<Object>[] roots = new Optional[7];

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

    /**
     * The planner also asks for qualified names ("variables.x") before it selects step by step: a name
     * that is not one of the variables is absent. The JSON values go in as {@link CelViews}, which the
     * planner reads without walking them.
     */
    @Override
    public Optional<Object> find(String name) {
        int index = switch (name) {
            case CelEnvironment.OBJECT -> 0;
            case CelEnvironment.OLD_OBJECT -> 1;
            case CelEnvironment.REQUEST -> 2;
            case CelEnvironment.PARAMS -> 3;
            case CelEnvironment.NAMESPACE_OBJECT -> 4;
            case CelEnvironment.VARIABLES -> 5;
            case CelEnvironment.CLUSTER -> 6;
            default -> -1;
        };
        if (index < 0) {
            return Optional.empty();
        }
        if (roots[index] == null) {
            Object value = switch (index) {
                case 0 -> CelViews.of(input.object());
                case 1 -> CelViews.of(input.oldObject());
                case 2 -> CelViews.of(input.request());
                case 3 -> CelViews.of(params);
                case 4 -> CelViews.of(namespaceObject);
                case 5 -> variables;
                default -> cluster;
            };
            // An absent object (DELETE has no object, CREATE no oldObject) reads as null, not as unknown.
            roots[index] = Optional.of(value == null ? dev.cel.common.values.NullValue.NULL_VALUE : value);
        }
        return roots[index];
    }

    private static final CelType VARIABLES_TYPE = MapType.create(SimpleType.STRING, SimpleType.DYN);

    /** A CelValue, so that the planner selects from it instead of walking (and so evaluating) every variable. */
    private final class LazyVariables extends CelValue implements Map<String, Object>, SelectableValue<String> {
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
        public Object value() {
            return this;
        }

        @Override
        public boolean isZeroValue() {
            return declared.isEmpty();
        }

        @Override
        public CelType celType() {
            return VARIABLES_TYPE;
        }

        @Override
        public Object select(String name) {
            return get(name);
        }

        @Override
        public Optional<?> find(String name) {
            return containsKey(name) ? Optional.of(get(name)) : Optional.empty();
        }

        @Override
        public boolean containsKey(Object key) {
            return indexOf(key) >= 0;
        }

        @Override
        public boolean isEmpty() {
            return declared.isEmpty();
        }

        @Override
        public boolean containsValue(Object value) {
            return entries().containsValue(value);
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
                    values[index] = CelJson.isNull(value.value()) ? dev.cel.common.values.NullValue.NULL_VALUE : CelViews.of(value.value());
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

        /** Every variable, evaluated: only for a whole-map read such as {@code variables == {...}}. */
        private Map<String, Object> entries() {
            Map<String, Object> all = new LinkedHashMap<>();
            for (CompiledPolicy.Named variable : declared) {
                all.put(variable.name(), get(variable.name()));
            }
            return all;
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            return java.util.Collections.unmodifiableMap(entries()).entrySet();
        }

        @Override
        public Set<String> keySet() {
            Set<String> names = new java.util.LinkedHashSet<>();
            for (CompiledPolicy.Named variable : declared) {
                names.add(variable.name());
            }
            return java.util.Collections.unmodifiableSet(names);
        }

        @Override
        public Collection<Object> values() {
            return java.util.Collections.unmodifiableCollection(entries().values());
        }

        @Override
        public Object put(String key, Object value) {
            throw new UnsupportedOperationException("variables are read-only");
        }

        @Override
        public Object remove(Object key) {
            throw new UnsupportedOperationException("variables are read-only");
        }

        @Override
        public void putAll(Map<? extends String, ?> other) {
            throw new UnsupportedOperationException("variables are read-only");
        }

        @Override
        public void clear() {
            throw new UnsupportedOperationException("variables are read-only");
        }

        @Override
        public boolean equals(Object other) {
            return other == this || entries().equals(other);
        }

        @Override
        public int hashCode() {
            return entries().hashCode();
        }

        @Override
        public String toString() {
            return entries().toString();
        }
    }
}
