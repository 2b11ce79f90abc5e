package dev.harbormaster.cel;

import static dev.cel.common.CelFunctionDecl.newFunctionDeclaration;
import static dev.cel.common.CelOverloadDecl.newGlobalOverload;
import static dev.cel.common.CelOverloadDecl.newMemberOverload;

import dev.cel.checker.CelCheckerBuilder;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.OptionalType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompilerLibrary;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntimeBuilder;
import dev.cel.runtime.CelRuntimeLibrary;
import java.util.List;
import java.util.Optional;

/**
 * The Kubernetes CEL libraries over values with a syntax of their own: {@code url}, {@code ip},
 * {@code cidr}, {@code semver} and {@code format.*} (named formats), plus the strings extension's
 * {@code format} that cel-java 0.14 lacks. Semantics follow k8s.io/apiserver/pkg/cel/library; the
 * type names are Kubernetes' ({@code net.IP}, {@code net.CIDR}, {@code kubernetes.URL}, …).
 */
public final class KubernetesValueLibrary implements CelCompilerLibrary, CelRuntimeLibrary {

    static final CelType URL = OpaqueType.create("kubernetes.URL");
    static final CelType IP = OpaqueType.create("net.IP");
    static final CelType CIDR = OpaqueType.create("net.CIDR");
    static final CelType SEMVER = OpaqueType.create("kubernetes.Semver");
    static final CelType FORMAT = OpaqueType.create("kubernetes.NamedFormat");
    private static final CelType STR = SimpleType.STRING;
    private static final CelType BOOL = SimpleType.BOOL;
    private static final CelType INT = SimpleType.INT;

    @Override
    public void setCheckerOptions(CelCheckerBuilder checker) {
        checker.addFunctionDeclarations(
                // url
                newFunctionDeclaration("url", newGlobalOverload("string_to_url", URL, STR)),
                newFunctionDeclaration("isURL", newGlobalOverload("is_url_string", BOOL, STR)),
                newFunctionDeclaration("getScheme", newMemberOverload("url_get_scheme", STR, URL)),
                newFunctionDeclaration("getHost", newMemberOverload("url_get_host", STR, URL)),
                newFunctionDeclaration("getHostname", newMemberOverload("url_get_hostname", STR, URL)),
                newFunctionDeclaration("getPort", newMemberOverload("url_get_port", STR, URL)),
                newFunctionDeclaration("getEscapedPath", newMemberOverload("url_get_escaped_path", STR, URL)),
                newFunctionDeclaration("getQuery", newMemberOverload("url_get_query",
                        MapType.create(STR, ListType.create(STR)), URL)),
                // ip
                newFunctionDeclaration("ip", newGlobalOverload("string_to_ip", IP, STR), newMemberOverload("cidr_ip", IP, CIDR)),
                newFunctionDeclaration("isIP", newGlobalOverload("is_ip", BOOL, STR)),
                newFunctionDeclaration("ip.isCanonical", newGlobalOverload("ip_is_canonical", BOOL, STR)),
                newFunctionDeclaration("family", newMemberOverload("ip_family", INT, IP)),
                newFunctionDeclaration("isUnspecified", newMemberOverload("ip_is_unspecified", BOOL, IP)),
                newFunctionDeclaration("isLoopback", newMemberOverload("ip_is_loopback", BOOL, IP)),
                newFunctionDeclaration("isLinkLocalMulticast", newMemberOverload("ip_is_link_local_multicast", BOOL, IP)),
                newFunctionDeclaration("isLinkLocalUnicast", newMemberOverload("ip_is_link_local_unicast", BOOL, IP)),
                newFunctionDeclaration("isGlobalUnicast", newMemberOverload("ip_is_global_unicast", BOOL, IP)),
                // cidr
                newFunctionDeclaration("cidr", newGlobalOverload("string_to_cidr", CIDR, STR)),
                newFunctionDeclaration("isCIDR", newGlobalOverload("is_cidr", BOOL, STR)),
                newFunctionDeclaration("containsIP",
                        newMemberOverload("cidr_contains_ip_string", BOOL, CIDR, STR),
                        newMemberOverload("cidr_contains_ip_ip", BOOL, CIDR, IP)),
                newFunctionDeclaration("containsCIDR",
                        newMemberOverload("cidr_contains_cidr_string", BOOL, CIDR, STR),
                        newMemberOverload("cidr_contains_cidr", BOOL, CIDR, CIDR)),
                newFunctionDeclaration("masked", newMemberOverload("cidr_masked", CIDR, CIDR)),
                newFunctionDeclaration("prefixLength", newMemberOverload("cidr_prefix_length", INT, CIDR)),
                newFunctionDeclaration("string",
                        newGlobalOverload("ip_to_string", STR, IP),
                        newGlobalOverload("cidr_to_string", STR, CIDR)),
                // semver
                newFunctionDeclaration("semver",
                        newGlobalOverload("string_to_semver", SEMVER, STR),
                        newGlobalOverload("string_bool_to_semver", SEMVER, STR, BOOL)),
                newFunctionDeclaration("isSemver",
                        newGlobalOverload("is_semver_string", BOOL, STR),
                        newGlobalOverload("is_semver_string_bool", BOOL, STR, BOOL)),
                newFunctionDeclaration("major", newMemberOverload("semver_major", INT, SEMVER)),
                newFunctionDeclaration("minor", newMemberOverload("semver_minor", INT, SEMVER)),
                newFunctionDeclaration("patch", newMemberOverload("semver_patch", INT, SEMVER)),
                newFunctionDeclaration("isGreaterThan", newMemberOverload("semver_semver_isGreaterThan", BOOL, SEMVER, SEMVER)),
                newFunctionDeclaration("isLessThan", newMemberOverload("semver_semver_isLessThan", BOOL, SEMVER, SEMVER)),
                newFunctionDeclaration("compareTo", newMemberOverload("semver_semver_compareTo", INT, SEMVER, SEMVER)),
                // named formats
                newFunctionDeclaration("format.named", newGlobalOverload("format_named", OptionalType.create(FORMAT), STR)),
                newFunctionDeclaration("validate", newMemberOverload("format_validate", OptionalType.create(ListType.create(STR)), FORMAT, STR)),
                // strings extension: '%s'.format([...])
                newFunctionDeclaration("format", newMemberOverload("string_format", STR, STR, ListType.create(SimpleType.DYN))));
        for (String name : NamedFormats.NAMES) {
            checker.addFunctionDeclarations(newFunctionDeclaration("format." + name, newGlobalOverload("format_" + name, FORMAT)));
        }
    }

    @Override
    public void setRuntimeOptions(CelRuntimeBuilder runtime) {
        runtime.addFunctionBindings(
                CelFunctionBinding.from("string_to_url", String.class, s -> value(() -> KubeUrl.parse(s))),
                CelFunctionBinding.from("is_url_string", String.class, s -> valid(() -> KubeUrl.parse(s))),
                CelFunctionBinding.from("url_get_scheme", KubeUrl.class, KubeUrl::scheme),
                CelFunctionBinding.from("url_get_host", KubeUrl.class, KubeUrl::host),
                CelFunctionBinding.from("url_get_hostname", KubeUrl.class, KubeUrl::hostname),
                CelFunctionBinding.from("url_get_port", KubeUrl.class, KubeUrl::port),
                CelFunctionBinding.from("url_get_escaped_path", KubeUrl.class, KubeUrl::escapedPath),
                CelFunctionBinding.from("url_get_query", KubeUrl.class, KubeUrl::query),

                CelFunctionBinding.from("string_to_ip", String.class, s -> value(() -> KubeIp.parse(s))),
                CelFunctionBinding.from("is_ip", String.class, s -> valid(() -> KubeIp.parse(s))),
                CelFunctionBinding.from("ip_is_canonical", String.class, s -> value(() -> KubeIp.parse(s)).isCanonical(s)),
                CelFunctionBinding.from("ip_family", KubeIp.class, ip -> (long) ip.family()),
                CelFunctionBinding.from("ip_is_unspecified", KubeIp.class, KubeIp::isUnspecified),
                CelFunctionBinding.from("ip_is_loopback", KubeIp.class, KubeIp::isLoopback),
                CelFunctionBinding.from("ip_is_link_local_multicast", KubeIp.class, KubeIp::isLinkLocalMulticast),
                CelFunctionBinding.from("ip_is_link_local_unicast", KubeIp.class, KubeIp::isLinkLocalUnicast),
                CelFunctionBinding.from("ip_is_global_unicast", KubeIp.class, KubeIp::isGlobalUnicast),
                CelFunctionBinding.from("ip_to_string", KubeIp.class, KubeIp::toString),

                CelFunctionBinding.from("string_to_cidr", String.class, s -> value(() -> KubeCidr.parse(s))),
                CelFunctionBinding.from("is_cidr", String.class, s -> valid(() -> KubeCidr.parse(s))),
                CelFunctionBinding.from("cidr_contains_ip_string", KubeCidr.class, String.class,
                        (c, s) -> c.contains(value(() -> KubeIp.parse(s)))),
                CelFunctionBinding.from("cidr_contains_ip_ip", KubeCidr.class, KubeIp.class, KubeCidr::contains),
                CelFunctionBinding.from("cidr_contains_cidr_string", KubeCidr.class, String.class,
                        (c, s) -> c.contains(value(() -> KubeCidr.parse(s)))),
                CelFunctionBinding.from("cidr_contains_cidr", KubeCidr.class, KubeCidr.class, KubeCidr::contains),
                CelFunctionBinding.from("cidr_masked", KubeCidr.class, KubeCidr::masked),
                CelFunctionBinding.from("cidr_ip", KubeCidr.class, KubeCidr::ip),
                CelFunctionBinding.from("cidr_prefix_length", KubeCidr.class, c -> (long) c.prefixLength()),
                CelFunctionBinding.from("cidr_to_string", KubeCidr.class, KubeCidr::toString),

                CelFunctionBinding.from("string_to_semver", String.class, s -> value(() -> KubeSemver.parse(s, false))),
                CelFunctionBinding.from("string_bool_to_semver", String.class, Boolean.class, (s, n) -> value(() -> KubeSemver.parse(s, n))),
                CelFunctionBinding.from("is_semver_string", String.class, s -> valid(() -> KubeSemver.parse(s, false))),
                CelFunctionBinding.from("is_semver_string_bool", String.class, Boolean.class, (s, n) -> valid(() -> KubeSemver.parse(s, n))),
                CelFunctionBinding.from("semver_major", KubeSemver.class, v -> (long) v.version().getMajor()),
                CelFunctionBinding.from("semver_minor", KubeSemver.class, v -> (long) v.version().getMinor()),
                CelFunctionBinding.from("semver_patch", KubeSemver.class, v -> (long) v.version().getPatch()),
                CelFunctionBinding.from("semver_semver_isGreaterThan", KubeSemver.class, KubeSemver.class, (a, b) -> a.compareTo(b) > 0),
                CelFunctionBinding.from("semver_semver_isLessThan", KubeSemver.class, KubeSemver.class, (a, b) -> a.compareTo(b) < 0),
                CelFunctionBinding.from("semver_semver_compareTo", KubeSemver.class, KubeSemver.class, (a, b) -> (long) a.compareTo(b)),

                CelFunctionBinding.from("format_named", String.class, name -> NamedFormats.named(name)),
                CelFunctionBinding.from("format_validate", NamedFormats.Format.class, String.class, (f, s) -> {
                    List<String> errors = f.validate(s);
                    return errors.isEmpty() ? Optional.empty() : Optional.of(errors);
                }),
                CelFunctionBinding.from("string_format", String.class, List.class, (f, args) -> {
                    try {
                        return StringFormat.format(f, args);
                    } catch (IllegalArgumentException e) {
                        throw new CelEvaluationException("format(): " + e.getMessage());
                    }
                }));
        for (String name : NamedFormats.NAMES) {
            NamedFormats.Format format = NamedFormats.named(name).orElseThrow();
            runtime.addFunctionBindings(CelFunctionBinding.from("format_" + name, List.of(), args -> format));
        }
    }

    interface Parse<T> {
        T get();
    }

    /** The parsed value, or the parser's reason as an evaluation error (Kubernetes' behaviour). */
    private static <T> T value(Parse<T> parse) throws CelEvaluationException {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new CelEvaluationException(e.getMessage());
        }
    }

    private static boolean valid(Parse<?> parse) {
        try {
            parse.get();
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
