package dev.harbormaster.policy;

/** The text of one policy file and the name to report it by (its path). */
public record PolicySource(String name, String content) {
}
