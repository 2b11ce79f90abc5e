package dev.harbormaster.cel;

/** An expression that does not parse or type-check; the message says where. */
public final class CelCompileException extends Exception {

    public CelCompileException(String message) {
        super(message);
    }
}
