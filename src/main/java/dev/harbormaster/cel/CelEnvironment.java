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
 * Programs run on cel-java's planner, which walks every plain Map or List it reads: hand it the
 * request's values as {@link CelViews}.
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
    private final CheckedExpressions cache;

    /** Evaluation is bounded per request by a {@link Budget}, not by the environment. */
    public CelEnvironment() {
        this(null);
    }

    /**
     * @param cache expressions checked before (the CLI's cache between runs, the bundled pack's
     *              from the build), or null to check every one
     */
    public CelEnvironment(CheckedExpressions cache) {
        this(true, cache);
    }

    /**
     * The environment of kube-apiserver's ValidatingAdmissionPolicy and MutatingAdmissionPolicy:
     * the same Kubernetes libraries and extensions, without Harbormaster's helpers and the
     * {@code cluster} variable. Real VAP/MAP files compile here, so one that leans on a helper
     * kube-apiserver lacks is refused at load instead of failing in the cluster. No cache: its
     * entries would be taken for the other environment's.
     */
    public static CelEnvironment kubernetesOnly() {
        return new CelEnvironment(false, null);
    }

    private CelEnvironment(boolean harbormasterHelpers, CheckedExpressions cache) {
        this.harbormasterHelpers = harbormasterHelpers;
        this.cache = cache;
        CelOptions options = CelOptions.current()
                .enableHeterogeneousNumericComparisons(true)
                .enableOptionalSyntax(true)
                .build();
        HarbormasterLibrary harbormaster = new HarbormasterLibrary();
        KubernetesLibrary kubernetes = new KubernetesLibrary();
        KubernetesValueLibrary values = new KubernetesValueLibrary();
        ApplyConfigurations applyConfigurations = new ApplyConfigurations();
        // The lists functions but range (see the class comment) and sortBy, whose macro cel-java 0.14
        // declares but never expands: KubernetesLibrary expands it.
        var lists = CelExtensions.lists(CelListsExtensions.Function.SLICE, CelListsExtensions.Function.FLATTEN,
                CelListsExtensions.Function.DISTINCT, CelListsExtensions.Function.REVERSE, CelListsExtensions.Function.SORT);
        var math = CelExtensions.math(options);
        var encoders = CelExtensions.encoders(options);
        var builder = CelFactory.plannerCelBuilder()
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
                        kubernetes, values, applyConfigurations)
                .addRuntimeLibraries(CelExtensions.strings(), CelExtensions.sets(options), CelExtensions.optional(),
                        CelExtensions.comprehensions(), lists, math, encoders,
                        kubernetes, values, applyConfigurations);
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
     * @param resultType what the expression must produce (DYN accepts anything; {@link ApplyConfigurations#OBJECT}:
     *                   an apply configuration)
     * @throws CelCompileException with CEL's message, which points at the position in the expression
     */
    public CelExpression compile(String expression, CelType resultType) throws CelCompileException {
        if (resultType == ApplyConfigurations.OBJECT) {
            return compileApplyConfiguration(expression);
        }
        if (expression == null || expression.isBlank()) {
            throw new CelCompileException("the expression is empty");
        }
        try {
            // Only expressions that passed every check below are cached.
            var cached = cache == null ? java.util.Optional.<CelAbstractSyntaxTree>empty() : cache.get(expression, resultType);
            if (cached.isPresent()) {
                return new CelExpression(expression, cached.get(), cel.createProgram(cached.get()));
            }
            CelAbstractSyntaxTree parsed = cel.parse(expression).getAst();
            refuseAuthorizer(parsed);
            CelAbstractSyntaxTree ast = cel.check(parsed).getAst();
            checkConstantRegexes(ast);
            refuseCubicWork(ast);
            CelType actual = ast.getResultType();
            if (resultType.kind() != CelKind.DYN && actual.kind() != CelKind.DYN && !actual.equals(resultType)) {
                throw new CelCompileException("the expression must evaluate to " + resultType.name() + ", not " + actual.name());
            }
            CelExpression compiled = new CelExpression(expression, ast, cel.createProgram(ast));
            if (cache != null) {
                cache.put(expression, resultType, ast);
            }
            return compiled;
        } catch (CelValidationException e) {
            throw new CelCompileException(e.getMessage());
        } catch (CelEvaluationException e) {
            throw new CelCompileException("cannot plan the expression: " + e.getMessage());
        }
    }

    /**
     * Compiles a MutatingAdmissionPolicy {@code applyConfiguration} expression: it must evaluate to
     * an {@code Object{…}} (as kube-apiserver requires; dyn is not enough), and a literal given as a
     * field of another must be named after its field path. Errors point into the expression as written.
     */
    private CelExpression compileApplyConfiguration(String expression) throws CelCompileException {
        if (expression == null || expression.isBlank()) {
            throw new CelCompileException("the expression is empty");
        }
        try {
            CelAbstractSyntaxTree parsed = cel.parse(expression).getAst();
            refuseAuthorizer(parsed);
            var checker = cel.toCheckerBuilder().setTypeProvider(new dev.cel.common.types.CelTypeProvider.CombinedCelTypeProvider(
                    AdmissionTypes.PROVIDER, ApplyConfigurations.typesOf(parsed.getExpr()))).build();
            CelAbstractSyntaxTree ast = checker.check(parsed).getAst();
            CelType actual = ast.getResultType();
            if (actual.kind() != CelKind.STRUCT || !actual.name().equals(ApplyConfigurations.ROOT)) {
                throw new CelCompileException("the expression must evaluate to an " + ApplyConfigurations.ROOT
                        + " (an apply configuration such as Object{spec: Object.spec{…}}), not " + actual.name());
            }
            var misnamed = ApplyConfigurations.misnamedLiteral(parsed.getExpr());
            if (misnamed.isPresent()) {
                throw new CelCompileException(misnamed.get());
            }
            String calls;
            try {
                calls = ApplyConfigurations.asCalls(expression);
            } catch (CelPrinter.Refusal e) {
                throw new CelCompileException(e.getMessage());
            }
            return compile(calls, SimpleType.DYN).withSource(expression);
        } catch (CelValidationException e) {
            throw new CelCompileException(e.getMessage());
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

    /** Comprehensions nested over data (not over a literal list) from which an expression is refused at load. */
    static final int MAX_NESTED_COMPREHENSIONS = 2;

    /**
     * The static bound at load: an expression whose work grows with the cube (or more) of the object's
     * size, three comprehensions nested over its lists, is refused. Kubernetes refuses by a numeric
     * estimate from schema sizes; without schemas any estimate of a nested loop is "too large", and the
     * request budget (steps, sizes, deadline) bounds what runs. Only the nesting that multiplies counts:
     * the body and condition of a loop, not its range, start or result, nor a loop over a literal list
     * (cel.bind is one over an empty list).
     */
    private static void refuseCubicWork(CelAbstractSyntaxTree ast) throws CelCompileException {
        int depth = nestedComprehensions(ast.getExpr());
        if (depth > MAX_NESTED_COMPREHENSIONS) {
            throw new CelCompileException(depth + " comprehensions (all, exists, map, filter, ...) are nested over lists of the "
                    + "input, so the work grows with the power " + depth + " of its size; at most " + MAX_NESTED_COMPREHENSIONS
                    + " may nest: compute the inner part once (a variable, cel.bind, or a set of keys) and look it up");
        }
    }

    private static int nestedComprehensions(CelExpr expr) {
        switch (expr.getKind()) {
            case COMPREHENSION: {
                var loop = expr.comprehension();
                int perElement = Math.max(nestedComprehensions(loop.loopCondition()), nestedComprehensions(loop.loopStep()));
                int once = Math.max(nestedComprehensions(loop.iterRange()),
                        Math.max(nestedComprehensions(loop.accuInit()), nestedComprehensions(loop.result())));
                return Math.max(once, perElement + (isLiteralList(loop.iterRange()) ? 0 : 1));
            }
            case CALL: {
                var call = expr.call();
                int deepest = call.target().map(CelEnvironment::nestedComprehensions).orElse(0);
                for (CelExpr arg : call.args()) {
                    deepest = Math.max(deepest, nestedComprehensions(arg));
                }
                return deepest;
            }
            case SELECT:
                return nestedComprehensions(expr.select().operand());
            case LIST: {
                int deepest = 0;
                for (CelExpr element : expr.list().elements()) {
                    deepest = Math.max(deepest, nestedComprehensions(element));
                }
                return deepest;
            }
            case MAP: {
                int deepest = 0;
                for (var entry : expr.map().entries()) {
                    deepest = Math.max(deepest, Math.max(nestedComprehensions(entry.key()), nestedComprehensions(entry.value())));
                }
                return deepest;
            }
            case STRUCT: {
                int deepest = 0;
                for (var entry : expr.struct().entries()) {
                    deepest = Math.max(deepest, nestedComprehensions(entry.value()));
                }
                return deepest;
            }
            default:
                return 0;
        }
    }

    private static boolean isLiteralList(CelExpr expr) {
        return expr.getKind() == CelExpr.ExprKind.Kind.LIST
                && expr.list().elements().stream().allMatch(e -> e.getKind() == CelExpr.ExprKind.Kind.CONSTANT);
    }
}
