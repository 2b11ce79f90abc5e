package dev.harbormaster.chart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harbormaster.admission.MetricsTest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import dev.harbormaster.admission.Fixtures;
import io.restassured.RestAssured;
import java.net.URL;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Every metric the chart's dashboard and alerts query is one the server exports: a renamed metric breaks this, not a dashboard. */
@QuarkusTest
class ChartMetricsTest {

    @TestHTTPResource(value = "/", tls = true)
    URL server;
    @TestHTTPResource(value = "/", management = true)
    URL management;

    /** Exported only with a cluster to watch; InformerClusterViewTest scrapes it from a server watching the mock API server. */
    static final Set<String> ONLY_WITH_A_CLUSTER = Set.of("harbormaster_cluster_synced");

    @Test
    void theDashboardAndTheAlertsQueryOnlyExportedMetrics() throws Exception {
        RenderedChart chart = RenderedChart.render(Map.of("grafanaDashboard.enabled", "true", "prometheusRule.enabled", "true"));
        Set<String> queried = ChartTest.metricsQueried(chart);

        // Series labelled from requests exist once a request came: one denial and one mutation.
        Fixtures.client(server).body(Fixtures.review("deployment-create-latest")).post("validate").then().statusCode(200);
        Fixtures.client(server).body(Fixtures.review("deployment-create-compliant")).post("mutate").then().statusCode(200);
        MetricsTest.Scrape scrape = MetricsTest.Scrape.of(
                RestAssured.given().baseUri("http://localhost:" + management.getPort()).get("/q/metrics").asString());
        Set<String> exported = new TreeSet<>();
        for (String sample : scrape.samples()) {
            exported.add(sample.replaceFirst("[{ ].*", ""));
        }

        assertThat(queried).contains("harbormaster_admission_requests_seconds_bucket", "harbormaster_policy_evaluations_total",
                "harbormaster_serving_certificate_not_after_timestamp_seconds", "harbormaster_cluster_synced");
        Set<String> expected = new TreeSet<>(queried);
        expected.removeAll(ONLY_WITH_A_CLUSTER);
        assertThat(exported).containsAll(expected);
    }
}
