package dev.harbormaster.cel;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelProtoAbstractSyntaxTree;
import dev.cel.common.types.CelType;
import dev.cel.expr.CheckedExpr;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bundled default pack's expressions, type-checked when the jar is built, so that a server
 * started without a policy directory skips parsing and type-checking them (most of the first
 * load's CPU).
 *
 * <p>The build/run split: the build ({@code dev.harbormaster.policy.BundledPackChecks}, run by
 * Maven after compiling) reads only what is fixed in the jar, the pack's files and our CEL
 * environment, which no configuration changes (the cost limits apply at evaluation, in
 * {@link Budget}). Everything that depends on run-time configuration stays at run time: the
 * server uses these entries only while no policy directory is set, and only after checking they
 * belong to the pack and the CEL classes it runs ({@link #read}); otherwise it compiles as before.
 */
public final class BundledChecks implements CheckedExpressions {

    /** Where the build puts them on the class path. */
    public static final String RESOURCE = "harbormaster/bundled-pack.checked";

    private static final String MAGIC = "hm-bundled-checks-1";

    private final String environmentVersion;
    private final Map<String, byte[]> entries;
    private final AtomicInteger hits = new AtomicInteger();

    private BundledChecks(String environmentVersion, Map<String, byte[]> entries) {
        this.environmentVersion = environmentVersion;
        this.entries = entries;
    }

    /**
     * What the run-time check made of the resource: the entries to use, or why none are (a value,
     * not an exception: a refusal only costs the time of compiling the pack).
     */
    public record Outcome(Optional<BundledChecks> checks, String description) {
    }

    /**
     * The build's entries, if they are of this pack and these CEL classes.
     *
     * @param resource the resource's bytes, or null when it is missing
     * @param pack     the revision of the pack about to be loaded (its files' digest)
     */
    public static Outcome read(InputStream resource, String pack) {
        if (resource == null) {
            return refused("none were built (" + RESOURCE + " is not on the class path)");
        }
        Optional<String> version = CheckedExpressionCache.environmentVersion();
        if (version.isEmpty()) {
            return refused("the CEL classes' version cannot be told");
        }
        try (DataInputStream in = new DataInputStream(resource)) {
            byte[] all = in.readAllBytes();
            if (all.length < 32) {
                return refused(RESOURCE + " is damaged");
            }
            byte[] body = Arrays.copyOf(all, all.length - 32);
            if (!Arrays.equals(sha256(body), 0, 32, all, body.length, all.length)) {
                return refused(RESOURCE + " is damaged");
            }
            DataInputStream fields = new DataInputStream(new java.io.ByteArrayInputStream(body));
            if (!MAGIC.equals(fields.readUTF())) {
                return refused(RESOURCE + " is of another format");
            }
            String builtFor = fields.readUTF();
            String builtPack = fields.readUTF();
            if (!builtFor.equals(version.get())) {
                return refused("they were made for other CEL classes than these");
            }
            if (!builtPack.equals(pack)) {
                return refused("they were made from other files (pack " + builtPack + ") than the pack in force (" + pack + ")");
            }
            int count = fields.readInt();
            Map<String, byte[]> entries = new HashMap<>();
            for (int i = 0; i < count; i++) {
                String key = fields.readUTF();
                byte[] checked = new byte[fields.readInt()];
                fields.readFully(checked);
                entries.put(key, checked);
            }
            return new Outcome(Optional.of(new BundledChecks(version.get(), Map.copyOf(entries))),
                    count + " expressions type-checked at build time");
        } catch (IOException e) {
            return refused(RESOURCE + " is damaged");
        }
    }

    private static Outcome refused(String why) {
        return new Outcome(Optional.empty(), "compiled at start: the build's checked expressions are not used, " + why);
    }

    @Override
    public Optional<CelAbstractSyntaxTree> get(String expression, CelType resultType) {
        byte[] checked = entries.get(CheckedExpressionCache.key(environmentVersion, expression, resultType));
        if (checked == null) {
            return Optional.empty();
        }
        try {
            CelAbstractSyntaxTree ast = CelProtoAbstractSyntaxTree.fromCheckedExpr(CheckedExpr.parseFrom(checked)).getAst();
            hits.incrementAndGet();
            return Optional.of(ast);
        } catch (IOException | RuntimeException e) {
            // the whole resource's checksum held, so this is a bug; compiling still gives the right program
            return Optional.empty();
        }
    }

    /** Read-only: an expression not of the pack (a cluster resource's) is compiled each time it changes. */
    @Override
    public void put(String expression, CelType resultType, CelAbstractSyntaxTree ast) {
    }

    /** How many expressions were taken from here instead of compiled. */
    public int hits() {
        return hits.get();
    }

    /** Collects what a compile of the pack checked, and writes it as the resource. */
    public static final class Recorder implements CheckedExpressions {
        private final String environmentVersion;
        /** Concurrent: a load compiles its documents in parallel, so puts come from several threads. */
        private final SortedMap<String, byte[]> entries = new ConcurrentSkipListMap<>();

        public Recorder(String environmentVersion) {
            this.environmentVersion = environmentVersion;
        }

        @Override
        public Optional<CelAbstractSyntaxTree> get(String expression, CelType resultType) {
            return Optional.empty();
        }

        @Override
        public void put(String expression, CelType resultType, CelAbstractSyntaxTree ast) {
            entries.put(CheckedExpressionCache.key(environmentVersion, expression, resultType),
                    CelProtoAbstractSyntaxTree.fromCelAst(ast).toCheckedExpr().toByteArray());
        }

        public int size() {
            return entries.size();
        }

        /** The resource: the format, what it was made for, the entries in key order, then a SHA-256 of all that. */
        public void write(Path file, String pack) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeUTF(MAGIC);
                out.writeUTF(environmentVersion);
                out.writeUTF(pack);
                out.writeInt(entries.size());
                for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                    out.writeUTF(entry.getKey());
                    out.writeInt(entry.getValue().length);
                    out.write(entry.getValue());
                }
            }
            byte[] body = bytes.toByteArray();
            Files.createDirectories(file.getParent());
            try (var out = Files.newOutputStream(file)) {
                out.write(body);
                out.write(sha256(body));
            }
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
