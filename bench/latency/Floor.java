import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The transport floor: the server's own stack (Vert.x, Netty, TLS, h2 over ALPN) answering every
 * POST with a canned AdmissionReview once its body has arrived, without parsing it. What is left
 * between Harbormaster with an empty pack and this is Harbormaster's own request path.
 *
 *   java -cp 'quarkus-app/lib/main/*:quarkus-app/lib/boot/*' Floor.java PORT CERT KEY ANSWER [jsse|openssl]
 */
public class Floor {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Buffer answer = Buffer.buffer(Files.readAllBytes(Path.of(args[3])));
        boolean openssl = args.length > 4 && args[4].equals("openssl");
        HttpServerOptions options = new HttpServerOptions().setPort(port).setHost("localhost")
                .setSsl(true).setUseAlpn(true)
                .setKeyCertOptions(new PemKeyCertOptions().setCertPath(args[1]).setKeyPath(args[2]));
        options.addEnabledSecureTransportProtocol("TLSv1.3");
        if (openssl) {
            options.setSslEngineOptions(new OpenSSLEngineOptions());
        }
        Vertx vertx = Vertx.vertx();
        vertx.createHttpServer(options)
                .requestHandler(request -> request.body().onSuccess(body -> request.response()
                        .putHeader("content-type", "application/json").end(answer)))
                .listen()
                .onSuccess(server -> System.out.println("floor listening on " + server.actualPort() + " with " + (openssl ? "OpenSSL" : "JSSE")))
                .onFailure(e -> { e.printStackTrace(); System.exit(1); });
    }
}
