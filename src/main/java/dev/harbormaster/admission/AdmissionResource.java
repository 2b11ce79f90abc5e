package dev.harbormaster.admission;

import dev.harbormaster.cluster.ClusterView;
import dev.harbormaster.config.HarbormasterConfig;
import dev.harbormaster.engine.AdmissionInput;
import dev.harbormaster.engine.Engine;
import dev.harbormaster.engine.Verdict;
import dev.harbormaster.policy.PolicySet;
import dev.harbormaster.policy.PolicyStore;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * The doors kube-apiserver calls, {@code POST /validate} and {@code POST /mutate}: Vert.x routes,
 * thin: decode, ask the engine, encode. The body is taken whole and decoded on the event loop in one
 * pass, its objects only if some policy's resource rules match the request (asked as the pass reaches
 * them). A request that no policy's rules match (or that is refused) is answered there, where its
 * plain allow costs microseconds and two thread hand-offs would cost more than everything else. One
 * that some policy's rules match is evaluated where
 * {@link EvaluationPlacement} says: on the event loop when it is alone, else on a worker thread, so
 * that the streams of one HTTP/2 connection (kube-apiserver opens one per server) are evaluated on
 * every core.
 */
@ApplicationScoped
public class AdmissionResource {

    private final Engine engine;
    private final PolicyStore policies;
    private final ClusterView cluster;
    private final DecisionRecorder recorder;
    private final long maxRequestBytes;
    private final InTreePolicies inTree;
    private final EvaluationPlacement placement = new EvaluationPlacement(System.nanoTime());

    @Inject
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

    /**
     * A body over the limit fails the route with 413 as it streams in, another method than POST
     * with 405 ({@link FailureAnswers} words both).
     */
    void install(@Observes Router router) {
        for (Door door : Door.values()) {
            router.post("/" + door.path).handler(BodyHandler.create(false).setBodyLimit(maxRequestBytes))
                    .handler(context -> open(door, context));
            router.route("/" + door.path).handler(context -> context.fail(405));
        }
    }

    /** The two doors, by their paths. */
    enum Door {
        VALIDATE("validate"), MUTATE("mutate");

        final String path;

        Door(String path) {
            this.path = path;
        }

        static Door of(String path) {
            return path.equals("mutate") ? MUTATE : VALIDATE;
        }
    }

    private void open(Door door, RoutingContext context) {
        long start = System.nanoTime();
        Buffer buffer = context.body().buffer();
        byte[] body = buffer == null ? new byte[0] : buffer.getBytes();
        Decoded decoded = decode(door, body);
        if (!decoded.work) {
            send(context, answer(door, decoded, start));
            return;
        }
        if (placement.startsHere(start)) {
            send(context, evaluated(door, decoded, start));
            return;
        }
        context.vertx().executeBlocking(() -> evaluated(door, decoded, start), false).onComplete(done -> {
            if (done.succeeded()) {
                send(context, done.result());
            } else {
                // Only when the worker pool refuses the task, as the server stops (the answer itself never throws).
                context.fail(done.cause());
            }
        });
    }

    /** The answer to a request with work, its evaluation's time told to the placement. */
    private DoorAnswer evaluated(Door door, Decoded decoded, long start) {
        long began = System.nanoTime();
        try {
            return answer(door, decoded, start);
        } finally {
            long now = System.nanoTime();
            placement.ended(now - began, now);
        }
    }

    /** A request closed at its deadline (RequestGuards) has nowhere to take its late answer. */
    private static void send(RoutingContext context, DoorAnswer answer) {
        if (context.response().ended() || context.response().closed()) {
            return;
        }
        context.response().setStatusCode(answer.status()).putHeader("Content-Type", answer.contentType()).end(Buffer.buffer(answer.body()));
    }

    /**
     * A body decoded for the engine with the policies in force, and whether any of them has work on it
     * (only then are its objects decoded), or the door's refusal of it.
     */
    private record Decoded(AdmissionInput input, PolicySet set, boolean work, DoorAnswer refusal) {
    }

    private Decoded decode(Door door, byte[] body) {
        try {
            if (body != null && body.length > maxRequestBytes) {
                // The route refuses a larger body as it arrives; this is for the callers that hand one in whole.
                throw BadAdmissionRequest.tooLarge(body.length, maxRequestBytes);
            }
            PolicySet set = inTree.forWebhook(policies.current());
            // Asked first of the request as read up to its object, so that an object with work is decoded in the same pass.
            AdmissionInput input = AdmissionReviewCodec.decode(body, head -> hasWork(door, head, set));
            return new Decoded(input, set, hasWork(door, input, set), null);
        } catch (BadAdmissionRequest e) {
            return new Decoded(null, null, false, refused(door, e));
        } catch (RuntimeException | Error e) {
            return new Decoded(null, null, false, unexpected(e));
        }
    }

    private boolean hasWork(Door door, AdmissionInput input, PolicySet set) {
        return door == Door.MUTATE ? engine.mutates(input, set) : engine.validates(input, set);
    }

    /** The answer of a door ("validate" or "mutate") to a body, whatever the body: what the HTTP route sends; the fuzzer calls it too. */
    DoorAnswer answer(String door, byte[] body) {
        Door which = Door.of(door);
        return answer(which, decode(which, body), System.nanoTime());
    }

    private DoorAnswer answer(Door door, Decoded decoded, long start) {
        if (decoded.refusal != null) {
            return decoded.refusal;
        }
        try {
            // Nothing reads the objects of a request no policy has work on: they stay undecoded.
            AdmissionInput input = decoded.work ? AdmissionReviewCodec.withObjectsDecoded(decoded.input) : decoded.input;
            Verdict verdict = door == Door.MUTATE ? engine.mutate(input, decoded.set, cluster) : engine.evaluate(input, decoded.set, cluster);
            byte[] answer = AdmissionReviewCodec.encode(input.uid(), verdict);
            recorder.decided(door.path, input, verdict, decoded.set, System.nanoTime() - start);
            return DoorAnswer.review(answer);
        } catch (BadAdmissionRequest e) {
            return refused(door, e);
        } catch (RuntimeException | Error e) {
            // An Error too (an OutOfMemoryError, a StackOverflowError): the caller still gets one line.
            return unexpected(e);
        }
    }

    private DoorAnswer refused(Door door, BadAdmissionRequest e) {
        recorder.rejected(door.path, e.getMessage());
        return DoorAnswer.refusal(e.status(), e.getMessage());
    }

    /**
     * A bug must not leak a stack trace or a class name to the caller; kube-apiserver then applies
     * the webhook's failurePolicy. The log gets one line, rate-limited.
     */
    private DoorAnswer unexpected(Throwable e) {
        recorder.unexpected(e);
        return DoorAnswer.refusal(500, FailureAnswers.INTERNAL_ERROR);
    }
}
