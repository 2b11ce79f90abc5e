package dev.harbormaster.cel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The distribution reference grammar's accepted and refused forms, and Docker Hub normalisation. */
class ImageReferenceTest {

    static final String SHA = "sha256:4c0fdaa8b6341bfdeca5f18f7837462c80cff90527ee35ef185571e1c327beac";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            # reference                                      | registry           | repository          | tag        | digest | familiar name            | latest
            nginx                                            | docker.io          | library/nginx       | ''         | ''     | nginx                    | true
            nginx:latest                                     | docker.io          | library/nginx       | latest     | ''     | nginx                    | true
            nginx:1.25.3                                     | docker.io          | library/nginx       | 1.25.3     | ''     | nginx                    | false
            docker.io/library/nginx:1.25                     | docker.io          | library/nginx       | 1.25       | ''     | nginx                    | false
            index.docker.io/library/nginx                    | docker.io          | library/nginx       | ''         | ''     | nginx                    | true
            docker.io/nginx                                  | docker.io          | library/nginx       | ''         | ''     | nginx                    | true
            team/app:prod-abc1234-20260108-143022            | docker.io          | team/app            | prod-abc1234-20260108-143022 | '' | team/app     | false
            registry.local:5000/team/api                     | registry.local:5000 | team/api           | ''         | ''     | registry.local:5000/team/api | true
            registry.local:5000/team/api:1.2                 | registry.local:5000 | team/api           | 1.2        | ''     | registry.local:5000/team/api | false
            localhost/app:dev                                | localhost          | app                 | dev        | ''     | localhost/app            | false
            localhost:5000/a/b/c                             | localhost:5000     | a/b/c               | ''         | ''     | localhost:5000/a/b/c     | true
            [::1]:5000/app:1                                 | [::1]:5000         | app                 | 1          | ''     | [::1]:5000/app           | false
            ghcr.io/org/my_app__x.y-z---w:v1_A.b-c            | ghcr.io            | org/my_app__x.y-z---w | v1_A.b-c | ''     | ghcr.io/org/my_app__x.y-z---w | false
            Docker.example/app                               | Docker.example     | app                 | ''         | ''     | Docker.example/app       | true
            """)
    void acceptedAndNormalised(String ref, String registry, String repository, String tag, String digest, String familiar, boolean latest) {
        ImageReference image = ImageReference.parse(ref);
        assertThat(image.registry()).isEqualTo(registry);
        assertThat(image.repository()).isEqualTo(repository);
        assertThat(image.tag()).isEqualTo(tag);
        assertThat(image.digest()).isEqualTo(digest);
        assertThat(image.familiarName()).isEqualTo(familiar);
        assertThat(image.name()).isEqualTo(registry + "/" + repository);
        assertThat(image.isLatest()).isEqualTo(latest);
        assertThat(ImageReference.invalidReason(ref)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            nginx@SHA                                        | ''       | true
            nginx:latest@SHA                                 | latest   | true
            ghcr.io/org/app:1.0@SHA                          | 1.0      | true
            """)
    void digestsPin(String ref, String tag, boolean pinned) {
        ImageReference image = ImageReference.parse(ref.replace("SHA", SHA));
        assertThat(image.digest()).isEqualTo(SHA);
        assertThat(image.tag()).isEqualTo(tag);
        assertThat(image.isLatest()).isNotEqualTo(pinned);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            NGINX:1.25                                       | must be lowercase
            ghcr.io/Org/App:1                                | must be lowercase
            nginx:1.2:3                                      | more than one :tag
            a@b@c                                            | more than one @digest
            ghcr.io/x/y@sha256:abc                           | too short
            nginx@sha256:4c0fdaa8b6341bfdeca5f18f7837462c80cff90527ee35ef185571e1c327beaZ | not a valid image reference
            nginx@sha256:4C0FDAA8B6341BFDECA5F18F7837462C80CFF90527EE35EF185571E1C327BEAC | 64 lowercase hex
            nginx@sha256:4c0fdaa8b6341bfdeca5f18f7837462c80cff90527ee35ef185571e1c327beac00 | this one has 66
            nginx@md5:4c0fdaa8b6341bfdeca5f18f7837462c | unsupported digest algorithm "md5"
            nginx@4c0fdaa8b6341bfdeca5f18f7837462c80cff90527ee35ef185571e1c327beac | algorithm:hex
            my_registry:5000/app:1                           | "my_registry:5000" is not a valid registry
            -registry.io/app                                 | is not a valid registry
            nginx:                                           | not a valid image reference
            nginx:-bad                                       | not a valid image reference
            :1.0                                             | not a valid image reference
            app//x                                           | not a valid image reference
            app/                                             | not a valid image reference
            team/-app                                        | not a valid image reference
            a..b                                             | not a valid image reference
            4c0fdaa8b6341bfdeca5f18f7837462c80cff90527ee35ef185571e1c327beac | 64-character hex image ID
            """)
    void refusedWithTheReason(String ref, String reason) {
        assertThatThrownBy(() -> ImageReference.parse(ref)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(reason);
        assertThat(ImageReference.invalidReason(ref)).get().asString().contains(reason);
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', ignoreLeadingAndTrailingWhitespace = false, textBlock = """
             nginx:1.25
            nginx:1.25\s
            \tnginx:1.25
            """)
    void surroundingWhitespaceIsRefused(String ref) {
        assertThatThrownBy(() -> ImageReference.parse(ref)).hasMessageContaining("whitespace");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"''"})
    void emptyIsRefused(String ref) {
        assertThatThrownBy(() -> ImageReference.parse(ref)).hasMessageContaining("empty");
    }

    @org.junit.jupiter.api.Test
    void nameLengthIsBounded() {
        String path = "a/".repeat(127) + "b"; // docker.io/ + 255 characters
        assertThatThrownBy(() -> ImageReference.parse(path)).hasMessageContaining("longer than 255");
        assertThat(ImageReference.parse("a/".repeat(60) + "b").repository()).hasSize(121);
    }

    @org.junit.jupiter.api.Test
    void tagLengthIsBoundedAt128() {
        assertThat(ImageReference.parse("app:" + "t".repeat(128)).tag()).hasSize(128);
        assertThatThrownBy(() -> ImageReference.parse("app:" + "t".repeat(129))).hasMessageContaining("not a valid");
    }
}
