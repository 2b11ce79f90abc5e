package dev.harbormaster.policy;

import java.util.List;

/**
 * The policy resources of the cluster (ValidatingPolicy, MutatingPolicy, PolicyException), as the
 * store merges them with the files. Without a cluster there are none.
 */
public interface ClusterPolicies {

    /** Changes whenever a resource is added, removed, or changed in anything but its status. */
    long version();

    /** Every resource now, each named {@code Kind/name} ({@code PolicyException/namespace/name}). */
    List<PolicySource> resources();

    ClusterPolicies NONE = new ClusterPolicies() {
        @Override
        public long version() {
            return 0;
        }

        @Override
        public List<PolicySource> resources() {
            return List.of();
        }
    };
}
