import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.Map;

/**
 * A stand-in API server for the latency benchmark: fabric8's mock server in CRUD mode (plain HTTP) on PORT,
 * holding the captured reviews' namespace and a PodDisruptionBudget that selects the compliant Deployment,
 * so that the servers' cluster rules evaluate as with a synced informer cache instead of "could not check".
 * (In CRUD mode it answers /version with its objects: the servers log that it gives no version.)
 * bench/latency/run.sh starts it with CLUSTER=mock; by hand, with the project's test class path:
 *   java -cp "$TEST_CP" bench/latency/MockCluster.java PORT [LABEL VALUE]   # until killed; prints "ready" once populated
 */
public class MockCluster {
  public static void main(String[] a) throws Exception {
    int port = Integer.parseInt(a[0]);
    KubernetesMockServer server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(), new io.fabric8.mockwebserver.MockWebServer(),
        new java.util.HashMap<>(), new io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher(), false);
    server.init(java.net.InetAddress.getLoopbackAddress(), port);
    KubernetesClient client = server.createClient();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("fixtures")
        .withLabels(Map.of("kubernetes.io/metadata.name", "fixtures")).endMetadata().build()).create();
    client.policy().v1().podDisruptionBudget().inNamespace("fixtures").resource(new PodDisruptionBudgetBuilder()
        .withNewMetadata().withName("cms-web-api").withNamespace("fixtures").endMetadata()
        .withNewSpec().withMaxUnavailable(new IntOrString(1)).withNewSelector().addToMatchLabels(a.length > 1 ? a[1] : "app", a.length > 2 ? a[2] : "cms-web-api").endSelector().endSpec()
        .build()).create();
    System.out.println("ready " + server.url("/"));
    Thread.currentThread().join();
  }
}
