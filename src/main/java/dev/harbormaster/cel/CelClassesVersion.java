package dev.harbormaster.cel;

import dev.cel.common.CelProtoAbstractSyntaxTree;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Holds {@link CheckedExpressionCache#environmentVersion()}. A native executable has no class files
 * to read: its image is built with this class initialised in the builder (application.properties,
 * --initialize-at-build-time), which digests the very class files compiled into the image. That is
 * a fact of the build, not of run-time configuration; on the JVM the same code runs at first use.
 * It touches no other class of ours, so nothing else gets initialised in the builder with it.
 */
final class CelClassesVersion {
    static final Optional<String> VALUE = compute();

    private CelClassesVersion() {
    }

    private static Optional<String> compute() {
        try {
            StringBuilder parts = new StringBuilder(classesDigest(location(CheckedExpressionCache.class),
                    CheckedExpressionCache.class.getPackageName().replace('.', '/') + "/"));
            java.util.Set<Path> celJava = new java.util.LinkedHashSet<>();
            for (Class<?> marker : List.of(dev.cel.bundle.Cel.class, dev.cel.checker.CelChecker.class,
                    dev.cel.runtime.CelRuntime.class, CelProtoAbstractSyntaxTree.class)) {
                celJava.add(location(marker));
            }
            for (Path jar : celJava) {
                parts.append(' ').append(classesDigest(jar, ""));
            }
            return Optional.of(HexFormat.of().formatHex(sha256(parts.toString().getBytes(StandardCharsets.UTF_8))));
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Path location(Class<?> type) throws URISyntaxException {
        var source = type.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            throw new IllegalStateException("no class files for " + type.getName());
        }
        return Path.of(source.getLocation().toURI());
    }

    /** SHA-256 of one line per class file under {@code prefix} of a folder or jar, in name order: "name:crc:size". */
    static String classesDigest(Path location, String prefix) throws IOException {
        java.util.SortedMap<String, String> lines = new java.util.TreeMap<>();
        if (Files.isDirectory(location)) {
            Path root = location.resolve(prefix.isEmpty() ? "." : prefix).normalize();
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(f -> Files.isRegularFile(f) && f.toString().endsWith(".class")).toList()) {
                    byte[] bytes = Files.readAllBytes(file);
                    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                    crc.update(bytes);
                    lines.put(location.relativize(file).toString().replace(java.io.File.separatorChar, '/'), crc.getValue() + ":" + bytes.length);
                }
            }
        } else {
            // The jar's directory already holds each entry's CRC and size: no class is read.
            try (JarFile jar = new JarFile(location.toFile())) {
                jar.stream().filter(e -> !e.isDirectory() && e.getName().startsWith(prefix) && e.getName().endsWith(".class"))
                        .forEach(e -> lines.put(e.getName(), e.getCrc() + ":" + e.getSize()));
            }
        }
        StringBuilder all = new StringBuilder();
        lines.forEach((name, crcAndSize) -> all.append(name).append(':').append(crcAndSize).append('\n'));
        return HexFormat.of().formatHex(sha256(all.toString().getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
