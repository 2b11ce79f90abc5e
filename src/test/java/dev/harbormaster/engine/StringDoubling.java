package dev.harbormaster.engine;

import dev.harbormaster.cel.EvaluationLimits;
import dev.harbormaster.cluster.ClusterView;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A valid policy that doubles a string 22 times through its variables (4 Mi copies of "ab" at the
 * end): the budget must stop it by the string's size. Runnable on its own, for a JVM with a small heap.
 */
public final class StringDoubling {

    static Verdict evaluate() throws Exception {
        String variables = "  - {name: s0, expression: \"'ab'\"}\n" + IntStream.rangeClosed(1, 22)
                .mapToObj(i -> "  - {name: s" + i + ", expression: \"variables.s" + (i - 1) + " + variables.s" + (i - 1) + "\"}")
                .collect(Collectors.joining("\n"));
        return new Engine(Engine.Mode.ENFORCE, EvaluationLimits.DEFAULT)
                .evaluate(BudgetTest.configMap(Map.of()), BudgetTest.policy(variables, "variables.s22.size() > 0"), ClusterView.OFFLINE);
    }

    public static void main(String[] args) throws Exception {
        Verdict verdict = evaluate();
        String message = verdict.allowed() ? "allowed" : verdict.denial().message();
        System.out.println(message);
        System.exit(!verdict.allowed() && message.contains("size limit exceeded") ? 0 : 1);
    }
}
