package dev.harbormaster.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** kube-apiserver's way: HTTP/2 by ALPN over TLS, several requests in flight on one connection. */
@QuarkusTest
class Http2Test {

    @TestHTTPResource(value = "/", tls = true)
    URL server;

    @Test
    void theDoorsAnswerOverOneHttp2Connection() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(Fixtures.trustingTheDevelopmentCa()).build();
        List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
        for (String fixture : List.of("deployment-create-latest", "deployment-create-compliant", "pod-create-sidecar-init", "hpa-create")) {
            for (String door : List.of("validate", "mutate")) {
                HttpRequest request = HttpRequest.newBuilder(URI.create(server.toString()).resolve(door))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(Fixtures.review(fixture))).build();
                inFlight.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
            }
        }
        for (CompletableFuture<HttpResponse<String>> future : inFlight) {
            HttpResponse<String> response = future.get();
            assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("\"kind\":\"AdmissionReview\"").contains("\"allowed\":");
        }
    }
}
