package dev.harbormaster.admission;

import java.nio.charset.StandardCharsets;

/** What a door answers: an HTTP status and a body, JSON for an AdmissionReview, one line of text for a refusal. */
public record DoorAnswer(int status, String contentType, byte[] body) {

    static final String JSON = "application/json";
    static final String TEXT = "text/plain; charset=utf-8";

    static DoorAnswer review(byte[] json) {
        return new DoorAnswer(200, JSON, json);
    }

    static DoorAnswer refusal(int status, String reason) {
        return new DoorAnswer(status, TEXT, (Reasons.oneLine(reason) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** The body as text (UTF-8): JSON or the reason. */
    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
