package dev.harbormaster.cel;

import java.util.Map;

/**
 * How many pods a PodDisruptionBudget lets be evicted at a given scale, computed as the disruption
 * controller does: percentages are scaled with rounding up ({@code intstr.GetScaledValueFromIntOrPercent}).
 */
public final class Disruptions {

    private Disruptions() {
    }

    /** Disruptions allowed with {@code replicas} healthy pods; {@code replicas} when the PDB sets no bound. */
    public static long allowed(Map<String, Object> pdb, long replicas) {
        Map<String, Object> spec = CelJson.map(pdb, "spec");
        Object maxUnavailable = spec == null ? null : spec.get("maxUnavailable");
        Object minAvailable = spec == null ? null : spec.get("minAvailable");
        if (!CelJson.isNull(maxUnavailable)) {
            return Math.max(0, Math.min(replicas, scaled(maxUnavailable, replicas)));
        }
        if (!CelJson.isNull(minAvailable)) {
            return Math.max(0, replicas - scaled(minAvailable, replicas));
        }
        return replicas;
    }

    /** An int-or-percent scaled to {@code total}, rounding up. */
    static long scaled(Object value, long total) {
        if (value instanceof Long number) {
            return number;
        }
        String text = String.valueOf(value).trim();
        if (!text.endsWith("%")) {
            throw new IllegalArgumentException("'" + text + "' is neither a number nor a percentage");
        }
        long percent = Long.parseLong(text.substring(0, text.length() - 1));
        return (percent * total + 99) / 100;
    }
}
