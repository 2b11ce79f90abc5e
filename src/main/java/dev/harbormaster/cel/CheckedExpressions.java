package dev.harbormaster.cel;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.types.CelType;
import java.util.Optional;

/**
 * Where {@link CelEnvironment#compile} finds expressions it type-checked before, so that it skips
 * parsing and checking them: the CLI's {@link CheckedExpressionCache} on disk, or the bundled
 * pack's {@link BundledChecks} made at build time. Only expressions that passed every check of
 * {@code compile} are stored; an entry is found by the expression, its result type and the
 * environment version (see {@link CheckedExpressionCache#key}). A load compiles its documents in
 * parallel, so both methods are called from several threads at once.
 */
public interface CheckedExpressions {

    /** The checked AST stored for the expression, or empty (none, or not to be trusted). */
    Optional<CelAbstractSyntaxTree> get(String expression, CelType resultType);

    /** Offered each expression compiled afresh; a read-only store ignores it. */
    void put(String expression, CelType resultType, CelAbstractSyntaxTree ast);
}
