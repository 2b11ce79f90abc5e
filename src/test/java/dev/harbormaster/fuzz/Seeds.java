package dev.harbormaster.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** What the fuzzers start from: the captured kube-apiserver requests, the pack's files, the fixture manifests, and kept crashes. */
final class Seeds {

    static final Path REVIEWS = Path.of("../shared/fixtures/admission-reviews");
    static final Path MANIFESTS = Path.of("../shared/fixtures/manifests");
    static final Path PACK = Path.of("policies");
    /** Inputs that once broke something, each kept as a regression case (see docs/fuzzing.md). */
    static final Path FOUND = Path.of("src/test/resources/fuzz");

    private Seeds() {
    }

    static List<Path> files(Path dir, String suffix) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
