package dev.harbormaster.cel;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.CelType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.extensions.CelExtensions;
import dev.cel.extensions.CelListsExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;

/**
 * The one CEL environment every policy expression is compiled in: the admission variables, the
 * cel-java extensions (strings, sets, optional, two-variable comprehensions such as
 * {@code list.transformList(i, v, …)}, lists, {@code cel.bind}, base64, math) and the Kubernetes and
 * Harbormaster libraries. {@code lists.range(n)} is left out: it allocates a list of any size in one
 * step, before the budget sees its size. Immutable and thread-safe; programs it compiles are too.
 */
public final class CelEnvironment {

    /** The variables every expression may read, as in ValidatingAdmissionPolicy. */
    public static final String OBJECT = "object";
    public static final String OLD_OBJECT = "oldObject";
    public static final String REQUEST = "request";
    public static final String PARAMS = "params";
    public static final String NAMESPACE_OBJECT = "namespaceObject";
    public static final String VARIABLES = "variables";
    public static final String CLUSTER = "cluster";

    private final Cel cel;
    /** Whether Harbormaster's helpers and the {@code cluster} variable are declared. */
    private final boolean harbormasterHelpers;

    /** Evaluation is bounded per request by a {@link Budget}, not by the environment. */
    public CelEnvironment() {
        this(true);
    }

    /**
     * The environment of kube-apiserver's ValidatingAdmissionPolicy and MutatingAdmissionPolicy:
     * the same Kubernetes libraries and extensions, without Harbormaster's helpers and the
     * {@code cluster} variable. Real VAP/MAP files compile here, so one that leans on a helper
     * kube-apiserver lacks is refused at load instead of failing in the cluster.
     */
    public static CelEnvironment kubernetesOnly() {
        return new CelEnvironment(false);
    }

    private CelEnvironment(boolean harbormasterHelpers) {
        this.harbormasterHelpers = harbormasterHelpers;
        CelOptions options = CelOptions.current()
                .enableHeterogeneousNumericComparisons(true)
                .enableOptionalSyntax(true)
                .build();
        HarbormasterLibrary harbormaster = new HarbormasterLibrary();
        KubernetesLibrary kubernetes = new KubernetesLibrary();
        KubernetesValueLibrary values = new KubernetesValueLibrary();
        // The lists functions but range (see the class comment) and sortBy, whose macro cel-java 0.14
        // declares but never expands: KubernetesLibrary expands it.
        var lists = CelExtensions.lists(CelListsExtensions.Function.SLICE, CelListsExtensions.Function.FLATTEN,
                CelListsExtensions.Function.DISTINCT, CelListsExtensions.Function.REVERSE, CelListsExtensions.Function.SORT);
        var math = CelExtensions.math(options);
        var encoders = CelExtensions.encoders(options);
        var builder = CelFactory.standardCelBuilder()
                .setOptions(options)
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .addVar(OBJECT, SimpleType.DYN)
                .addVar(OLD_OBJECT, SimpleType.DYN)
                .setTypeProvider(AdmissionTypes.PROVIDER)
                .addVar(REQUEST, AdmissionTypes.ADMISSION_REQUEST)
                .addVar(PARAMS, SimpleType.DYN)
                .addVar(NAMESPACE_OBJECT, SimpleType.DYN)
                .addVar(VARIABLES, MapType.create(SimpleType.STRING, SimpleType.DYN))
                .addCompilerLibraries(CelExtensions.strings(), CelExtensions.sets(options), CelExtensions.optional(),
                        CelExtensions.comprehensions(), lists, CelExtensions.bindings(), math, encoders,
                        kubernetes, values)
                .addRuntimeLibraries(CelExtensions.strings(), CelExtensions.sets(options), CelExtensions.optional(),
                        CelExtensions.comprehensions(), lists, math, encoders,
                        kubernetes, values);
        if (harbormasterHelpers) {
            builder.addVar(CLUSTER, HarbormasterLibrary.CLUSTER)
                    .addCompilerLibraries(harbormaster)
                    .addRuntimeLibraries(harbormaster);
        }
        this.cel = builder.build();
    }

    /** Whether Harbormaster's helpers are declared (false: {@link #kubernetesOnly()}). */
    public boolean hasHarbormasterHelpers() {
        return harbormasterHelpers;
    }

    /** Kubernetes' authorizer asks kube-apiserver's authorizer, which a webhook cannot reach on the request path. */
    static final String AUTHORIZER_REFUSED = "'authorizer' is not available: a webhook cannot honour authorizer checks "
            + "(they need kube-apiserver's authorizer for the requesting user); check request.userInfo instead, "
            + "or use a ValidatingAdmissionPolicy in the cluster for this rule";

    private static void refuseAuthorizer(CelAbstractSyntaxTree parsed) throws CelCompileException {
        boolean uses = CelNavigableAst.fromAst(parsed).getRoot().allNodes()
                .anyMatch(node -> node.getKind() == CelExpr.ExprKind.Kind.IDENT && node.expr().ident().name().equals("authorizer"));
        if (uses) {
            throw new CelCompileException(AUTHORIZER_REFUSED);
        }
    }

    /**
     * Parses and type-checks an expression.
     *
     * @param resultType what the expression must produce (DYN accepts anything)
     * @throws CelCompileException with CEL's message, which points at the position in the expression
     */
    public CelExpression compile(String expression, CelType resultType) throws CelCompileException {
        if (expression == null || expression.isBlank()) {
            throw new CelCompileException("the expression is empty");
        }
        try {
            refuseAuthorizer(cel.parse(expression).getAst());
            CelAbstractSyntaxTree ast = cel.compile(expression).getAst();
            checkConstantRegexes(ast);
            CelType actual = ast.getResultType();
            if (resultType.kind() != CelKind.DYN && actual.kind() != CelKind.DYN && !actual.equals(resultType)) {
                throw new CelCompileException("the expression must evaluate to " + resultType.name() + ", not " + actual.name());
            }
            return new CelExpression(expression, cel.createProgram(ast));
        } catch (CelValidationException e) {
            throw new CelCompileException(e.getMessage());
        } catch (CelEvaluationException e) {
            throw new CelCompileException("cannot plan the expression: " + e.getMessage());
        }
    }

    private static final java.util.Set<String> REGEX_FUNCTIONS = java.util.Set.of("matches", "find", "findAll");

    /**
     * A constant regex that RE2 (which evaluates them) cannot compile fails every evaluation: refuse
     * it now. cel-java's RegexLiteralValidator checks with java.util.regex, which accepts what RE2 does not.
     */
    private static void checkConstantRegexes(CelAbstractSyntaxTree ast) throws CelCompileException {
        for (var node : dev.cel.common.navigation.CelNavigableAst.fromAst(ast).getRoot().allNodes().toList()) {
            if (node.getKind() != dev.cel.common.ast.CelExpr.ExprKind.Kind.CALL) {
                continue;
            }
            var call = node.expr().call();
            if (!REGEX_FUNCTIONS.contains(call.function())) {
                continue;
            }
            int index = call.target().isPresent() ? 0 : 1;
            if (call.args().size() <= index) {
                continue;
            }
            var regex = call.args().get(index);
            if (regex.getKind() == dev.cel.common.ast.CelExpr.ExprKind.Kind.CONSTANT
                    && regex.constant().getKind() == dev.cel.common.ast.CelConstant.Kind.STRING_VALUE) {
                try {
                    com.google.re2j.Pattern.compile(regex.constant().stringValue());
                } catch (com.google.re2j.PatternSyntaxException e) {
                    throw new CelCompileException("the regex '" + regex.constant().stringValue() + "' of " + call.function()
                            + "() does not compile (RE2 syntax: no backreferences or lookaround): " + e.getDescription());
                }
            }
        }
    }
}
