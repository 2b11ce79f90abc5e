package dev.harbormaster.cel;

import java.math.BigDecimal;

/**
 * A Kubernetes resource quantity ({@code 500m}, {@code 1Gi}, {@code 1.5e3}) as an exact decimal.
 * Parsing is fabric8's, so the suffixes are the API server's.
 */
public record Quantity(BigDecimal value) implements Comparable<Quantity> {

    public Quantity {
        value = value.stripTrailingZeros();
    }

    public static Quantity parse(String text) {
        try {
            return new Quantity(io.fabric8.kubernetes.api.model.Quantity.getAmountInBytes(
                    io.fabric8.kubernetes.api.model.Quantity.parse(text)));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + text + "' is not a quantity", e);
        }
    }

    public static boolean isQuantity(String text) {
        try {
            parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public static Quantity of(long value) {
        return new Quantity(BigDecimal.valueOf(value));
    }

    public boolean isInteger() {
        return value.scale() <= 0;
    }

    public Quantity add(Quantity other) {
        return new Quantity(value.add(other.value));
    }

    public Quantity negate() {
        return new Quantity(value.negate());
    }

    @Override
    public int compareTo(Quantity other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value.toPlainString();
    }
}
