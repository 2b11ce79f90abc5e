package dev.harbormaster.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.harbormaster.audit.ManifestReader;
import dev.harbormaster.cel.CelEnvironment;
import dev.harbormaster.policy.PolicyError;
import dev.harbormaster.policy.PolicyLoadException;
import dev.harbormaster.policy.PolicyLoader;
import dev.harbormaster.policy.PolicySource;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The policy loader and the manifest reader fed mutated YAML: the pack's own files and the fixture
 * manifests, each document's tree mutated as the doors' requests are, then sometimes the text
 * damaged. Property: a load succeeds or fails with PolicyLoadException, reading manifests returns
 * (what it cannot read listed), and every reason is one line: never another exception.
 */
class FilesFuzzTest {

    private static final ObjectMapper YAML = new YAMLMapper();
    private static final PolicyLoader LOADER = new PolicyLoader(new CelEnvironment());
    private static final String[] YAML_TRAPS = {
        "a: &a [x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\n",
        "!!java.net.URL [\"http://x\"]\n", "? [a, b]\n: c\n", "%YAML 1.2\n---\nx\n", "key: !!binary AAAA\n", "<<: *missing\n",
        "\t- tab\n", "a: {b: [c: d]\n", "---\n...\n---\n", "x: 0x1F\ny: 1_000\nz: .inf\n", "'unterminated\n",
    };

    @Provide
    Arbitrary<Path> policyFiles() {
        return Arbitraries.of(Seeds.files(Seeds.PACK, ".yaml"));
    }

    @Provide
    Arbitrary<Path> manifests() {
        return Arbitraries.of(Seeds.files(Seeds.MANIFESTS, ".yaml"));
    }

    @Property
    void aPolicyFileLoadsOrSaysWhy(@ForAll("policyFiles") Path seed, @ForAll long randomness, @ForAll @IntRange(min = 1, max = 3) int rounds) {
        loaderHolds(mutateYaml(Seeds.bytes(seed), randomness, rounds));
    }

    @Property
    void manifestsAreReadOrSaidWhy(@ForAll("manifests") Path seed, @ForAll long randomness, @ForAll @IntRange(min = 1, max = 3) int rounds) {
        readerHolds(mutateYaml(Seeds.bytes(seed), randomness, rounds));
    }

    static Stream<Path> foundPolicies() {
        return Seeds.files(Seeds.FOUND.resolve("policies"), ".yaml").stream();
    }

    static Stream<Path> foundManifests() {
        return Seeds.files(Seeds.FOUND.resolve("manifests"), ".yaml").stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("foundPolicies")
    void foundPolicyFilesStayHandled(Path input) {
        loaderHolds(new String(Seeds.bytes(input), StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("foundManifests")
    void foundManifestsStayHandled(Path input) {
        readerHolds(new String(Seeds.bytes(input), StandardCharsets.UTF_8));
    }

    static void loaderHolds(String text) {
        try {
            LOADER.load(List.of(new PolicySource("fuzz.yaml", text)), "fuzz");
        } catch (PolicyLoadException e) {
            for (PolicyError error : e.errors()) {
                assertThat(error.toString()).doesNotContain("\n");
            }
        }
    }

    static void readerHolds(String text) {
        ManifestReader.Result read = ManifestReader.read(List.of("-"), new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        for (ManifestReader.Problem error : read.errors()) {
            assertThat(error.text()).doesNotContain("\n");
        }
        for (ManifestReader.Problem notice : read.notices()) {
            assertThat(notice.text()).doesNotContain("\n");
        }
    }

    /** Each document's tree mutated (Mutator), written back as YAML; now and then a YAML trap spliced in or the text cut. */
    static String mutateYaml(byte[] seed, long randomness, int rounds) {
        Random random = new Random(randomness);
        Mutator mutator = new Mutator(randomness);
        List<String> documents = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(seed)) {
            for (JsonNode node : YAML.readValues(parser, JsonNode.class).readAll()) {
                JsonNode mutated = node;
                if (random.nextInt(3) > 0) {
                    for (int i = 0; i < rounds; i++) {
                        mutated = mutator.mutateTree(mutated);
                    }
                }
                documents.add(YAML.writeValueAsString(mutated));
            }
        } catch (java.io.IOException e) {
            documents.add(new String(seed, StandardCharsets.UTF_8));
        }
        String text = String.join("", documents);
        switch (random.nextInt(6)) {
            case 0 -> text = text + "---\n" + YAML_TRAPS[random.nextInt(YAML_TRAPS.length)];
            case 1 -> text = text.substring(0, random.nextInt(text.length() + 1));
            case 2 -> {
                int at = random.nextInt(text.length() + 1);
                text = text.substring(0, at) + YAML_TRAPS[random.nextInt(YAML_TRAPS.length)] + text.substring(at);
            }
            default -> { }
        }
        return text;
    }
}
