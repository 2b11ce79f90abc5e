package dev.harbormaster;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What a native image must keep for reflection that no generator covers: the records Jackson binds
 * policy and test files to (strictly, by their components), and the finding rows the CLI writes as
 * JSON. The CLI's commands and options are registered by picocli-codegen's annotation processor at
 * compile time (META-INF/native-image/picocli-generated/). Everything else on the request path is
 * plain code: CEL programs, the streaming JSON codec, the engine.
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
        dev.harbormaster.policy.PolicyExceptionSpec.class,
        dev.harbormaster.policy.PolicyExceptionSpec.Match.class,
        dev.harbormaster.policy.PolicyExceptionSpec.Exempted.class,
        dev.harbormaster.audit.PolicyTestRunner.TestSpec.class,
        dev.harbormaster.audit.PolicyTestRunner.Case.class,
        dev.harbormaster.audit.PolicyTestRunner.Expect.class,
}, classNames = {
        // package-private: Jackson writes it for `audit -o json`
        "dev.harbormaster.cli.ReportWriter$Finding",
}, fields = true, methods = true)
public final class NativeReflection {

    private NativeReflection() {
    }
}
