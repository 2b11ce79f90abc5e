package dev.harbormaster.admission;

/** A request body that is not an AdmissionReview we can answer; the message says what and where. */
public final class BadAdmissionRequest extends RuntimeException {

    private final int status;

    public BadAdmissionRequest(String message) {
        this(400, message);
    }

    private BadAdmissionRequest(int status, String message) {
        super(Reasons.oneLine(message), null, false, false);
        this.status = status;
    }

    /** A body over the size limit: 413, as the guard answers when the length is announced. */
    static BadAdmissionRequest tooLarge(long bytes, long limit) {
        return new BadAdmissionRequest(413, "the body is " + bytes + " bytes, over the limit of " + limit
                + " bytes (harbormaster.admission.max-request-bytes)");
    }

    /** The HTTP status it is answered with. */
    public int status() {
        return status;
    }
}
