package dev.harbormaster.cel;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelProtoAbstractSyntaxTree;
import dev.cel.common.types.CelType;
import dev.cel.expr.CheckedExpr;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * Type-checked expressions kept on disk, so that a CLI run does not parse and type-check the whole
 * pack again (that was most of a run's CPU). An entry is the checked AST as cel-java's
 * {@code CheckedExpr} proto, named by a hash of the expression, its result type and the
 * {@link #environmentVersion() environment version}: any change to the expression, to our CEL
 * libraries or to cel-java makes a new name, so a stale entry is never read, only left behind.
 * Writes go to a temporary file renamed into place, so concurrent runs never see half an entry; an
 * entry whose checksum does not match (a torn disk write, an edit) is ignored and written again.
 */
public final class CheckedExpressionCache implements CheckedExpressions {

    private static final byte[] MAGIC = "hm-checked-1\n".getBytes(StandardCharsets.US_ASCII);
    private static final int DIGEST_BYTES = 32;

    private final Path directory;
    private final String environmentVersion;

    /**
     * @param directory          where the entries go (created when the first is written)
     * @param environmentVersion what the entries were checked against; see {@link #environmentVersion()}
     */
    public CheckedExpressionCache(Path directory, String environmentVersion) {
        this.directory = directory;
        this.environmentVersion = environmentVersion;
    }

    /**
     * The user's cache: {@code $XDG_CACHE_HOME/harbormaster/cel}, else {@code ~/.cache/harbormaster/cel};
     * none when neither is known or the version of this build cannot be told.
     */
    public static Optional<CheckedExpressionCache> forUser(Map<String, String> environment) {
        String xdg = environment.get("XDG_CACHE_HOME");
        String home = System.getProperty("user.home");
        Path root = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : home != null && !home.isBlank() && !home.equals("?") ? Path.of(home, ".cache") : null;
        Optional<String> version = environmentVersion();
        if (root == null || version.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new CheckedExpressionCache(root.resolve("harbormaster").resolve("cel"), version.get()));
    }

    public Path directory() {
        return directory;
    }

    /** The checked AST stored for the expression, or empty (none, unreadable, or corrupt). */
    @Override
    public Optional<CelAbstractSyntaxTree> get(String expression, CelType resultType) {
        Path entry = entry(expression, resultType);
        try {
            byte[] bytes = Files.readAllBytes(entry);
            int payload = MAGIC.length + DIGEST_BYTES;
            if (bytes.length < payload || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
                return Optional.empty();
            }
            byte[] body = Arrays.copyOfRange(bytes, payload, bytes.length);
            if (!Arrays.equals(sha256(body), 0, DIGEST_BYTES, bytes, MAGIC.length, payload)) {
                return Optional.empty();
            }
            return Optional.of(CelProtoAbstractSyntaxTree.fromCheckedExpr(CheckedExpr.parseFrom(body)).getAst());
        } catch (IOException | RuntimeException e) {
            // Missing, unreadable or not a CheckedExpr: compile it again (and overwrite the entry).
            return Optional.empty();
        }
    }

    /** Stores a checked AST; a cache that cannot be written (read-only home, full disk) only costs the next run time. */
    @Override
    public void put(String expression, CelType resultType, CelAbstractSyntaxTree ast) {
        Path entry = entry(expression, resultType);
        Path temporary = null;
        try {
            byte[] body = CelProtoAbstractSyntaxTree.fromCelAst(ast).toCheckedExpr().toByteArray();
            Files.createDirectories(directory);
            temporary = Files.createTempFile(directory, entry.getFileName().toString(), ".tmp");
            try (var out = Files.newOutputStream(temporary)) {
                out.write(MAGIC);
                out.write(sha256(body));
                out.write(body);
            }
            try {
                Files.move(temporary, entry, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, entry, StandardCopyOption.REPLACE_EXISTING);
            }
            temporary = null;
        } catch (IOException | RuntimeException e) {
            // best effort, see above
        } finally {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException e) {
                    // a stray temporary file is never read as an entry
                }
            }
        }
    }

    private Path entry(String expression, CelType resultType) {
        return directory.resolve(key(environmentVersion, expression, resultType) + ".checked");
    }

    /** The name of an entry: a hash of all a checked AST depends on; shared with {@link BundledChecks}. */
    static String key(String environmentVersion, String expression, CelType resultType) {
        String key = environmentVersion + '\0' + resultType.name() + '\0' + expression;
        return HexFormat.of().formatHex(sha256(key.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * What a checked AST depends on besides its text: our CEL libraries (the classes of this package)
     * and cel-java (the jars of its bundle, checker, runtime and AST protos), each class file by name,
     * CRC-32 and size. The same whether the classes sit in a folder (tests, the build) or in a jar
     * (the packaged application), so the {@link BundledChecks} the build makes match the jar they
     * ship in. Empty when the classes cannot be read, which turns the caches off rather than risk
     * reading entries of another build. Computed once: a process' classes do not change.
     */
    public static Optional<String> environmentVersion() {
        return CelClassesVersion.VALUE;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
