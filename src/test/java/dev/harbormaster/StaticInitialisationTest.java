package dev.harbormaster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * In a native executable the CDI container comes up while the image is built: an observer of its
 * {@code @Initialized} events runs there, before the run-time configuration (policy directory,
 * limits) exists. Work that reads configuration starts from {@code StartupEvent} instead.
 */
class StaticInitialisationTest {

    @Test
    void noObserverRunsWhileANativeImageIsBuilt() throws IOException {
        List<Path> offending;
        try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
            offending = sources.filter(file -> file.toString().endsWith(".java"))
                    .filter(file -> read(file).contains("@Initialized("))
                    .toList();
        }
        assertThat(offending).as("observers of @Initialized run at image build time in native mode").isEmpty();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
