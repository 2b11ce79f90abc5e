package dev.harbormaster;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What a native image must keep for reflection: the records Jackson binds policy and test files to
 * (strictly, by their components), and the picocli commands (their options are annotated fields).
 * Everything else on the request path is plain code: CEL programs, the streaming JSON codec, the
 * engine. Not verified by a native build here: no GraalVM or Mandrel can be installed on these
 * machines (see README, "Native executable").
 */
@RegisterForReflection(targets = {
        dev.harbormaster.policy.PolicyDocument.class,
        dev.harbormaster.policy.PolicyDocument.Metadata.class,
        dev.harbormaster.policy.PolicySpec.class,
        dev.harbormaster.policy.PolicySpec.MatchResources.class,
        dev.harbormaster.policy.PolicySpec.ResourceRule.class,
        dev.harbormaster.policy.PolicySpec.NamedExpression.class,
        dev.harbormaster.policy.PolicySpec.Validation.class,
        dev.harbormaster.policy.PolicySpec.AuditAnnotation.class,
        dev.harbormaster.policy.PolicySpec.Action.class,
        dev.harbormaster.policy.PolicySpec.FailurePolicy.class,
        dev.harbormaster.policy.MutatingPolicySpec.class,
        dev.harbormaster.policy.MutatingPolicySpec.Mutation.class,
        dev.harbormaster.policy.MutatingPolicySpec.JsonPatch.class,
        dev.harbormaster.policy.MutatingPolicySpec.ReinvocationPolicy.class,
        dev.harbormaster.audit.PolicyTestRunner.TestSpec.class,
        dev.harbormaster.audit.PolicyTestRunner.Case.class,
        dev.harbormaster.audit.PolicyTestRunner.Expect.class,
        dev.harbormaster.cli.Cli.class,
}, classNames = {
        "dev.harbormaster.cli.AuditCommand",
        "dev.harbormaster.cli.TestCommand",
        "dev.harbormaster.cli.PolicyOptions",
        "dev.harbormaster.cli.Cli$VersionCommand",
        "dev.harbormaster.cli.Cli$Version",
        "dev.harbormaster.cli.ReportWriter$Finding",
}, fields = true, methods = true)
public final class NativeReflection {

    private NativeReflection() {
    }
}
