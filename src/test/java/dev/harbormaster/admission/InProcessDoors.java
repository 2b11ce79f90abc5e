package dev.harbormaster.admission;

import dev.harbormaster.cel.CelEnvironment;
import dev.harbormaster.cluster.ClusterView;
import dev.harbormaster.engine.Engine;
import dev.harbormaster.policy.PolicyLoader;
import dev.harbormaster.policy.PolicySet;
import dev.harbormaster.policy.PolicyStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Optional;
import java.util.Set;

/** The doors with the default pack, without HTTP or Quarkus: fast enough to feed thousands of bodies. */
public final class InProcessDoors {

    public final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final AdmissionResource resource;

    public InProcessDoors() {
        this(defaultPack(), Set.of());
    }

    /** @param inTreePolicies the policies kube-apiserver runs, which the doors leave to it */
    public InProcessDoors(Set<String> inTreePolicies) {
        this(defaultPack(), inTreePolicies);
    }

    /** The doors serving the set given. */
    public InProcessDoors(PolicySet pack) {
        this(pack, Set.of());
    }

    private InProcessDoors(PolicySet pack, Set<String> inTreePolicies) {
        PolicyStore store = new PolicyStore(Optional.empty(), metrics) {
            @Override
            public PolicySet current() {
                return pack;
            }
        };
        resource = new AdmissionResource(new Engine(Engine.Mode.ENFORCE), store, ClusterView.OFFLINE,
                new DecisionRecorder(metrics, Engine.Mode.ENFORCE), 3 * 1024 * 1024, new InTreePolicies(inTreePolicies));
    }

    private static PolicySet defaultPack() {
        try {
            return new PolicyLoader(new CelEnvironment()).load(PolicyLoader.readBundled(), "the bundled default pack");
        } catch (Exception e) {
            throw new IllegalStateException("the default pack does not load", e);
        }
    }

    /** The answer of {@code door} ("validate" or "mutate") to {@code body}. */
    public DoorAnswer answer(String door, byte[] body) {
        return resource.answer(door, body);
    }

    /** The body of an answer as text. */
    public static String text(DoorAnswer answer) {
        return answer.text();
    }
}
