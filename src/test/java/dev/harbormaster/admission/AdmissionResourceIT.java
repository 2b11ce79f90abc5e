package dev.harbormaster.admission;

import dev.harbormaster.packaged.PackagedServer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * Every door test of {@link AdmissionResourceTest}, against the packaged application as a process:
 * the jar in CI, the native executable after {@code ./mvnw verify -Pnative}.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(value = PackagedServer.class, restrictToAnnotatedClass = true)
class AdmissionResourceIT extends AdmissionResourceTest {

    @Override
    String managementBase() {
        return PackagedServer.managementBase();
    }
}
