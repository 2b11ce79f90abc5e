package dev.harbormaster.cel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The hand-written label grammar checks (NamedFormats, used by format.* and selects()) say what apimachinery's regular expressions say, on any string. */
class LabelGrammarPropertyTest {

    /** apimachinery's qualifiedNameFmt name part and label value (length checked apart there too). */
    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?");
    /** apimachinery's dns1123SubdomainFmt. */
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    @Provide
    Arbitrary<String> labelish() {
        // Mostly the characters that matter, some others, lengths around both limits.
        return Arbitraries.strings().withChars("aZ09-_.").withChars("A/ é!").ofMinLength(0).ofMaxLength(70)
                .injectDuplicates(0.05)
                .edgeCases(edges -> edges.add("a".repeat(63)).add("a".repeat(64)).add("a-").add("-a").add(".a").add("a.b"));
    }

    @Provide
    Arbitrary<String> domainish() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("az09-.").withChars("A_").ofMinLength(0).ofMaxLength(30),
                Arbitraries.strings().withChars("a.").ofMinLength(250).ofMaxLength(256));
    }

    @Property(tries = 3000)
    void labelValuesAsApimachinery(@ForAll("labelish") String text) {
        assertThat(NamedFormats.hasLabelValueShape(text)).as(text).isEqualTo(LABEL_VALUE.matcher(text).matches());
        assertThat(NamedFormats.isLabelValue(text)).as(text).isEqualTo(text.length() <= 63 && LABEL_VALUE.matcher(text).matches());
    }

    @Property(tries = 3000)
    void dnsSubdomainsAsApimachinery(@ForAll("domainish") String text) {
        assertThat(NamedFormats.hasDnsSubdomainShape(text)).as(text).isEqualTo(DNS_SUBDOMAIN.matcher(text).matches());
        assertThat(NamedFormats.isDnsSubdomain(text)).as(text).isEqualTo(text.length() <= 253 && DNS_SUBDOMAIN.matcher(text).matches());
    }
}
