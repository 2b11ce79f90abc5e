package dev.harbormaster.admission;

import dev.harbormaster.cluster.ClusterView;
import dev.harbormaster.config.HarbormasterConfig;
import dev.harbormaster.engine.AdmissionInput;
import dev.harbormaster.engine.Engine;
import dev.harbormaster.engine.Verdict;
import dev.harbormaster.policy.PolicySet;
import dev.harbormaster.policy.PolicyStore;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.function.Supplier;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The doors kube-apiserver calls. Thin: decode, ask the engine, encode. The body is taken whole on
 * the event loop; decoding and evaluating run on a worker thread, so that the streams of one
 * HTTP/2 connection (kube-apiserver opens one per server) are evaluated on every core.
 */
@Path("/")
public class AdmissionResource {

    private final Engine engine;
    private final PolicyStore policies;
    private final ClusterView cluster;
    private final DecisionRecorder recorder;
    private final long maxRequestBytes;
    private final InTreePolicies inTree;

    @jakarta.inject.Inject
    public AdmissionResource(Engine engine, PolicyStore policies, ClusterView cluster, DecisionRecorder recorder,
                             HarbormasterConfig config, InTreePolicies inTree) {
        this(engine, policies, cluster, recorder, config.admission().maxRequestBytes(), inTree);
    }

    AdmissionResource(Engine engine, PolicyStore policies, ClusterView cluster, DecisionRecorder recorder, long maxRequestBytes,
                      InTreePolicies inTree) {
        this.inTree = inTree;
        this.engine = engine;
        this.policies = policies;
        this.cluster = cluster;
        this.recorder = recorder;
        this.maxRequestBytes = maxRequestBytes;
    }

    @POST
    @Path("validate")
    @jakarta.ws.rs.Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> validate(byte[] body) {
        return onWorker(() -> answer("validate", body));
    }

    @POST
    @Path("mutate")
    @jakarta.ws.rs.Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> mutate(byte[] body) {
        return onWorker(() -> answer("mutate", body));
    }

    private static Uni<Response> onWorker(Supplier<Response> answer) {
        return Uni.createFrom().item(answer).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /** One of the engine's two entry points. */
    private interface Evaluation {
        Verdict apply(AdmissionInput input, PolicySet policies, ClusterView cluster);
    }

    /** The answer of a door (validate or mutate) to a body, whatever the body: the HTTP doors and the fuzzer call this. */
    Response answer(String door, byte[] body) {
        try {
            return answer(door, body, door.equals("mutate") ? engine::mutate : engine::evaluate);
        } catch (BadAdmissionRequest e) {
            return badRequest(door, e);
        } catch (RuntimeException | Error e) {
            // An Error too (an OutOfMemoryError, a StackOverflowError): the caller still gets one line.
            return unexpected(e);
        }
    }

    private Response answer(String door, byte[] body, Evaluation evaluation) {
        long start = System.nanoTime();
        if (body != null && body.length > maxRequestBytes) {
            // A chunked body announces no length; RequestGuards refuses an announced one before it is read.
            throw BadAdmissionRequest.tooLarge(body.length, maxRequestBytes);
        }
        AdmissionInput input = AdmissionReviewCodec.decode(body);
        PolicySet set = inTree.forWebhook(policies.current());
        Verdict verdict = evaluation.apply(input, set, cluster);
        byte[] answer = AdmissionReviewCodec.encode(input.uid(), verdict);
        recorder.decided(door, input, verdict, set, System.nanoTime() - start);
        return Response.ok(answer, MediaType.APPLICATION_JSON_TYPE).build();
    }

    private Response badRequest(String door, BadAdmissionRequest e) {
        recorder.rejected(door, e.getMessage());
        return Response.status(e.status()).type(MediaType.TEXT_PLAIN_TYPE).entity(e.getMessage() + "\n").build();
    }

    @ServerExceptionMapper
    public Response badRequest(BadAdmissionRequest e, jakarta.ws.rs.core.UriInfo uri) {
        return badRequest(uri.getPath(), e);
    }

    /**
     * A bug must not leak a stack trace or a class name to the caller; kube-apiserver then applies
     * the webhook's failurePolicy. The log gets one line, rate-limited.
     */
    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        if (e instanceof jakarta.ws.rs.WebApplicationException web) {
            return web.getResponse();
        }
        recorder.unexpected(e);
        return Response.serverError().type(MediaType.TEXT_PLAIN_TYPE).entity(FailureAnswers.INTERNAL_ERROR + "\n").build();
    }
}
