package dev.harbormaster.admission;

/** A request body that is not an AdmissionReview we can answer; the message says what and where. */
public final class BadAdmissionRequest extends RuntimeException {

    public BadAdmissionRequest(String message) {
        super(Reasons.oneLine(message), null, false, false);
    }
}
