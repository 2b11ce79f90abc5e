package dev.harbormaster.policy;

import static dev.harbormaster.policy.TestPolicies.validating;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyStoreTest {

    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();

    private PolicyStore store(Path dir) {
        return new PolicyStore(Optional.of(dir), metrics);
    }

    /** What the start does: the first load begins once the container is up, and the start waits for it. */
    private static void start(PolicyStore store) {
        store.beginFirstLoad(null);
        store.awaitFirstLoad(null);
    }

    @Test
    void aBrokenChangeKeepsTheLastGoodSnapshotAndAFixSwapsInANewOne(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.yaml"), validating("a", "true"));
        PolicyStore store = store(dir);
        start(store);
        PolicySet first = store.current();
        assertThat(first.size()).isEqualTo(1);

        Files.writeString(dir.resolve("b.yaml"), validating("b", "object.spec.("));
        store.reloadIfChanged();

        assertThat(store.current()).isSameAs(first);
        assertThat(store.lastError()).get().extracting(Throwable::getMessage).asString()
                .contains(dir.resolve("b.yaml").toString()).contains("policy b, spec.validations[0].expression");
        assertThat(metrics.counter("harbormaster.policy.reloads", "result", "failure").count()).isEqualTo(1);

        Files.writeString(dir.resolve("b.yaml"), validating("b", "has(object.spec)"));
        store.reloadIfChanged();

        assertThat(store.current()).isNotSameAs(first);
        assertThat(store.current().validating()).extracting(CompiledPolicy::name).containsExactly("a", "b");
        assertThat(store.lastError()).isEmpty();
        assertThat(first.size()).as("a snapshot taken before the reload does not change").isEqualTo(1);
        assertThat(metrics.counter("harbormaster.policy.reloads", "result", "success").count()).isEqualTo(1);
    }

    @Test
    void nothingIsReloadedWhileNothingChanges(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.yaml"), validating("a", "true"));
        PolicyStore store = store(dir);
        start(store);
        PolicySet first = store.current();
        store.reloadIfChanged();
        assertThat(store.current()).isSameAs(first);
    }

    @Test
    void aBrokenPackAtStartStopsTheStartWithEveryError(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.yaml"), validating("a", "1"));
        Files.writeString(dir.resolve("b.yaml"), validating("b", "nope("));
        assertThatThrownBy(() -> start(store(dir)))
                .hasMessageContaining("2 error(s)")
                .hasMessageContaining("policy a, spec.validations[0].expression: the expression must evaluate to bool, not int")
                .hasMessageContaining("policy b, spec.validations[0].expression");
    }

    @Test
    void aMissingDirectoryIsNamed(@TempDir Path dir) {
        assertThatThrownBy(() -> start(store(dir.resolve("nowhere")))).hasMessageContaining("nowhere does not exist");
    }
}
