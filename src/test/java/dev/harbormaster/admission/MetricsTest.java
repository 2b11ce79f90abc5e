package dev.harbormaster.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harbormaster.policy.PolicyStore;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The metrics as Prometheus scrapes them from a server that has just started: every Harbormaster
 * metric described, the counters an alert takes increase() of present at 0, the labels in one case.
 */
@QuarkusTest
@TestProfile(MetricsTest.FreshStart.class)
public class MetricsTest {

    /** An application of its own, so that no other test's requests have been counted before the first scrape. */
    public static class FreshStart implements QuarkusTestProfile {
    }

    @TestHTTPResource(value = "/", tls = true)
    URL server;
    @TestHTTPResource(value = "/", management = true)
    URL management;
    @Inject
    PolicyStore policies;

    /** One scrape: HELP text by family, and every sample line. */
    public record Scrape(Map<String, String> help, Map<String, String> types, List<String> samples) {

        public static Scrape of(String text) {
            Map<String, String> help = new LinkedHashMap<>();
            Map<String, String> types = new LinkedHashMap<>();
            List<String> samples = new ArrayList<>();
            for (String line : text.split("\n")) {
                if (line.startsWith("# HELP ")) {
                    String[] parts = line.substring(7).split(" ", 2);
                    help.put(parts[0], parts.length > 1 ? parts[1] : "");
                } else if (line.startsWith("# TYPE ")) {
                    String[] parts = line.substring(7).split(" ", 2);
                    types.put(parts[0], parts[1]);
                } else if (!line.isBlank() && !line.startsWith("#")) {
                    samples.add(line);
                }
            }
            return new Scrape(help, types, samples);
        }

        /** The value of the one sample with exactly this name and these labels (as written, in Prometheus' order). */
        double value(String series) {
            List<String> found = samples.stream().filter(s -> s.startsWith(series + " ")).toList();
            assertThat(found).as(series).hasSize(1);
            return Double.parseDouble(found.get(0).substring(series.length() + 1));
        }

        List<String> named(String name) {
            return samples.stream().filter(s -> s.startsWith(name + "{") || s.startsWith(name + " ")).toList();
        }
    }

    private Scrape scrape() {
        return Scrape.of(RestAssured.given().baseUri("http://localhost:" + management.getPort()).get("/q/metrics").asString());
    }

    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    @Test
    void theMetricsOfAFreshServerAndAfterADenial() throws Exception {
        Scrape fresh = scrape();

        // Every Harbormaster family says what it counts (a counter's family is named without _total).
        List<String> families = fresh.help().keySet().stream().filter(name -> name.startsWith("harbormaster_")).toList();
        assertThat(families).contains(
                "harbormaster_admission_bad_requests",
                "harbormaster_admission_internal_errors",
                "harbormaster_policies_loaded",
                "harbormaster_policy_reloads",
                "harbormaster_policy_set_last_reload_success_timestamp_seconds",
                "harbormaster_policy_set_last_reload_successful",
                "harbormaster_policy_set_info",
                "harbormaster_serving_certificate_not_after_timestamp_seconds",
                "harbormaster_leader");
        assertThat(families).allSatisfy(name -> assertThat(fresh.help().get(name)).as("HELP of " + name).hasSizeGreaterThan(20));
        // The background audit is off here: none of its metrics, not even a findings gauge at 0.
        assertThat(families).noneMatch(name -> name.startsWith("harbormaster_audit_"));
        // The Netty binder whose duplicate registration logged at every start is off (see application.properties).
        assertThat(fresh.help().keySet()).noneMatch(name -> name.startsWith("netty_"));

        // Counters an alert takes increase() of exist at 0 before the first event.
        for (String door : List.of("validate", "mutate", "other")) {
            assertThat(fresh.value("harbormaster_admission_bad_requests_total{door=\"" + door + "\"}")).isZero();
        }
        assertThat(fresh.value("harbormaster_admission_internal_errors_total")).isZero();
        assertThat(fresh.value("harbormaster_policy_reloads_total{result=\"success\"}")).isZero();
        assertThat(fresh.value("harbormaster_policy_reloads_total{result=\"failure\"}")).isZero();
        // The first load counts as the last successful one; the revision is the set's.
        double loadedAt = fresh.value("harbormaster_policy_set_last_reload_success_timestamp_seconds");
        assertThat(loadedAt).isBetween(Instant.now().getEpochSecond() - 600.0, Instant.now().getEpochSecond() + 1.0);
        assertThat(fresh.value("harbormaster_policy_set_last_reload_successful")).isEqualTo(1.0);
        String revision = policies.current().revision();
        assertThat(revision).matches("[0-9a-f]{12}");
        assertThat(fresh.value("harbormaster_policy_set_info{revision=\"" + revision + "\"}")).isEqualTo(1.0);
        assertThat(fresh.named("harbormaster_policy_set_info")).hasSize(1);
        assertThat(fresh.value("harbormaster_policies_loaded")).isEqualTo(policies.current().size());
        assertThat(fresh.value("harbormaster_serving_certificate_not_after_timestamp_seconds"))
                .isEqualTo(notAfter(Path.of("target/dev-certs/tls.crt")));
        assertThat(fresh.value("harbormaster_leader")).as("no cluster: the only writer").isEqualTo(1.0);
        // Each policy's violation (a mutating one's change) and error, with the action in force, exist at 0 before any request.
        assertThat(fresh.value("harbormaster_policy_evaluations_total{action=\"deny\",mode=\"enforce\",outcome=\"violation\","
                + "policy=\"disallow-latest-tag\"}")).isZero();
        assertThat(fresh.value("harbormaster_policy_evaluations_total{action=\"warn\",mode=\"enforce\",outcome=\"violation\","
                + "policy=\"require-requests\"}")).isZero();
        assertThat(fresh.value("harbormaster_policy_evaluations_total{action=\"deny\",mode=\"enforce\",outcome=\"error\","
                + "policy=\"disallow-latest-tag\"}")).isZero();
        assertThat(fresh.value("harbormaster_policy_evaluations_total{action=\"none\",mode=\"enforce\",outcome=\"mutated\","
                + "policy=\"inject-prestop\"}")).isZero();
        long policiesCounted = fresh.named("harbormaster_policy_evaluations_total").stream()
                .map(sample -> sample.replaceAll(".*policy=\"([^\"]+)\".*", "$1")).distinct().count();
        assertThat(policiesCounted).isEqualTo(policies.current().size());

        Fixtures.client(server).body(Fixtures.review("deployment-create-latest")).post("validate").then().statusCode(200);
        Scrape after = scrape();

        // Outcomes carry the action in effect and the mode.
        assertThat(after.value("harbormaster_policy_evaluations_total{action=\"deny\",mode=\"enforce\",outcome=\"violation\","
                + "policy=\"disallow-latest-tag\"}")).isEqualTo(1.0);
        assertThat(after.value("harbormaster_policy_evaluations_total{action=\"warn\",mode=\"enforce\",outcome=\"violation\","
                + "policy=\"require-requests\"}")).isEqualTo(1.0);
        assertThat(after.help().get("harbormaster_policy_evaluations")).contains("violation", "error", "deny", "warn", "audit");
        // A small fixed set of latency buckets per series: 14 bounds and +Inf.
        String series = "door=\"validate\",kind=\"Deployment\",operation=\"CREATE\",result=\"denied\"";
        List<String> buckets = after.named("harbormaster_admission_requests_seconds_bucket").stream()
                .filter(s -> s.contains(series)).toList();
        assertThat(buckets).hasSize(15);
        assertThat(buckets.get(buckets.size() - 1)).contains("le=\"+Inf\"");
        assertThat(after.help().keySet().stream().filter(name -> name.startsWith("harbormaster_")))
                .allSatisfy(name -> assertThat(after.help().get(name)).as("HELP of " + name).hasSizeGreaterThan(20));
        assertThat(after.value("harbormaster_admission_requests_seconds_count{" + series + "}")).isEqualTo(1.0);

        // One case for the values Harbormaster defines (Kubernetes' own names, kind and operation, keep their spelling).
        for (String sample : after.samples()) {
            if (!sample.startsWith("harbormaster_")) {
                continue;
            }
            Matcher label = LABEL.matcher(sample.substring(0, sample.lastIndexOf(' ')));
            while (label.find()) {
                if (List.of("door", "result", "outcome", "action", "mode", "resource").contains(label.group(1))) {
                    assertThat(label.group(2)).as(sample).isEqualTo(label.group(2).toLowerCase(java.util.Locale.ROOT));
                }
            }
        }
    }

    private static double notAfter(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return ((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in)).getNotAfter().toInstant()
                    .getEpochSecond();
        }
    }
}
