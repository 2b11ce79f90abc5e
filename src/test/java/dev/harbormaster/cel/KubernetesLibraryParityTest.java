package dev.harbormaster.cel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cel.common.types.SimpleType;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Expected values re-expressed from Kubernetes' own library tests (k8s.io/apiserver/pkg/cel/library:
 * ip_test, cidr_test, semver_test, urls_test, format_test, lists_test) and cel-go's ext tests;
 * each row is an expression that must evaluate to true.
 */
class KubernetesLibraryParityTest {

    private static final CelEnvironment ENV = new CelEnvironment();

    /** An expression's value, or its failure as an exception (with the failure's message). */
    static Object eval(String expression) throws Exception {
        CelResult result = ENV.compile(expression, SimpleType.DYN).eval(name -> Optional.empty(), Budget.start(EvaluationLimits.DEFAULT));
        if (result instanceof CelResult.Failure failure) {
            throw new Failed(failure.message());
        }
        return ((CelResult.Value) result).value();
    }

    static final class Failed extends Exception {
        Failed(String message) {
            super(message);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            // ip (ip_test.go)
            "isIP('192.168.0.1') && !isIP('192.168.0.1.0')",
            "ip.isCanonical('127.0.0.1')",
            "ip('192.168.0.1').family() == 4 && ip('2001:db8::68').family() == 6",
            "ip('0.0.0.0').isUnspecified() && !ip('127.0.0.1').isUnspecified() && ip('::').isUnspecified() && !ip('::1').isUnspecified()",
            "ip('127.0.0.1').isLoopback() && !ip('1.2.3.4').isLoopback() && ip('::1').isLoopback() && !ip('2001:db8::abcd').isLoopback()",
            "ip('224.0.0.1').isLinkLocalMulticast() && !ip('224.0.1.1').isLinkLocalMulticast()",
            "ip('ff02::1').isLinkLocalMulticast() && !ip('fd00::1').isLinkLocalMulticast()",
            "ip('169.254.169.254').isLinkLocalUnicast() && !ip('192.168.0.1').isLinkLocalUnicast()",
            "ip('fe80::1').isLinkLocalUnicast() && !ip('fd80::1').isLinkLocalUnicast()",
            "ip('192.168.0.1').isGlobalUnicast() && !ip('255.255.255.255').isGlobalUnicast()",
            "ip('2001:db8::abcd').isGlobalUnicast() && !ip('ff00::1').isGlobalUnicast()",
            "isIP('2001:db8::68') && !isIP('2001:db8:::68')",
            "ip.isCanonical('2001:db8::68') && !ip.isCanonical('2001:DB8::68')",
            "string(ip('192.168.0.1')) == '192.168.0.1'",
            "ip('192.168.0.1') == ip('192.168.0.1') && ip('192.168.0.1') != ip('192.168.0.2')",
            "!isIP('::ffff:192.168.0.1') && !isIP('fe80::1%eth0')",
            // cidr (cidr_test.go)
            "isCIDR('192.168.0.0/24') && !isCIDR('192.168.0.0/33') && !isCIDR('192.168.0.0')",
            "cidr('192.168.0.0/24').containsIP(ip('192.168.0.1')) && !cidr('192.168.0.0/24').containsIP(ip('192.168.1.1'))",
            "cidr('192.168.0.0/24').containsIP('192.168.0.1')",
            "cidr('192.168.0.0/24').containsCIDR(cidr('192.168.0.0/25')) && !cidr('192.168.0.0/24').containsCIDR('192.168.0.0/23')",
            "cidr('192.168.0.0/24').containsCIDR('192.168.0.0/24')",
            "cidr('2001:db8::/32').containsIP('2001:db8::1') && !cidr('2001:db8::/32').containsIP('2001:db9::1')",
            "cidr('192.168.0.1/24').ip() == ip('192.168.0.1')",
            "cidr('192.168.0.1/24').masked() == cidr('192.168.0.0/24') && string(cidr('192.168.1.5/16').masked()) == '192.168.0.0/16'",
            "string(cidr('2001:db8::1/32').masked()) == '2001:db8::/32'",
            "cidr('192.168.0.0/24').prefixLength() == 24 && cidr('::/0').prefixLength() == 0",
            "string(cidr('192.168.0.0/24')) == '192.168.0.0/24'",
            "!cidr('192.168.0.0/24').containsIP('2001:db8::1')",
            // semver (semver_test.go)
            "isSemver('1.2.3-beta.1+build.1') && !isSemver('') && !isSemver('v1.0.0') && !isSemver(' 1.0.0') && !isSemver('1. 0.0') && !isSemver('1.0.0 ')",
            "!isSemver('01.01.01') && !isSemver('1') && !isSemver('1.1')",
            "!isSemver('', true) && !isSemver(' 1.0.0', true) && !isSemver('1. 0.0', true) && !isSemver('1.0.0 ', true)",
            "isSemver('v1.0.0', true) && isSemver('01.01.01', true) && isSemver('1', true) && isSemver('1.1', true)",
            "semver('v01.01', true) == semver('1.1.0') && semver('1.2.3') == semver('1.2.3') && semver('1.2.3') != semver('1.0.0')",
            "semver('1.0.0').isLessThan(semver('1.2.3')) && !semver('1.0.0').isLessThan(semver('1.0.0'))",
            "semver('1.2.3').isGreaterThan(semver('1.0.0')) && !semver('1.0.0').isGreaterThan(semver('1.0.0'))",
            "semver('1.2.3').compareTo(semver('1.2.3')) == 0 && semver('1.0.0').compareTo(semver('1.2.3')) == -1 && semver('1.2.3').compareTo(semver('1.0.0')) == 1",
            "semver('1.2.3').major() == 1 && semver('1.2.3').minor() == 2 && semver('1.2.3').patch() == 3",
            "semver('1.0.0-alpha').isLessThan(semver('1.0.0'))",
            // url (urls_test.go)
            "url('https://user:pass@kubernetes.io:80/path?query=val').getScheme() == 'https'",
            "url('https://user:pass@kubernetes.io:80/path?query=val').getHost() == 'kubernetes.io:80'",
            "url('https://user:pass@kubernetes.io:80/path?query=val').getHostname() == 'kubernetes.io'",
            "url('https://kubernetes.io:80/').getPort() == '80' && url('https://kubernetes.io/').getPort() == ''",
            "url('https://kubernetes.io/path').getEscapedPath() == '/path' && url('https://kubernetes.io/%2E').getEscapedPath() == '/%2E'",
            "url('https://kubernetes.io/?a=b&a=c&d').getQuery() == {'a': ['b', 'c'], 'd': ['']}",
            "url('https://[::1]:80/').getHost() == '[::1]:80' && url('https://[::1]:80/').getHostname() == '::1'",
            "url('https://[::1]/').getHost() == '[::1]'",
            "url('/absolute-path').getScheme() == '' && url('/absolute-path').getHost() == ''",
            "isURL('https://kubernetes.io/') && !isURL('../relative-path') && !isURL('') && !isURL('not a url')",
            // named formats (format_test.go)
            "format.dns1123Label().validate('my-name') == optional.none()",
            "format.dns1123Label().validate('MY-NAME').hasValue()",
            "format.named('dns1123Label').hasValue() && !format.named('nope').hasValue()",
            "format.named('dns1123Subdomain').value().validate('example.com') == optional.none()",
            "format.dns1123Subdomain().validate('-example.com').value().size() == 1",
            "format.dns1035Label().validate('1abc').hasValue() && format.dns1035Label().validate('abc-1') == optional.none()",
            "format.qualifiedName().validate('example.com/MyName') == optional.none() && format.qualifiedName().validate('/x').hasValue()",
            "format.labelValue().validate('') == optional.none() && format.labelValue().validate('-x').hasValue()",
            "format.dns1123LabelPrefix().validate('my-') == optional.none() && format.dns1123Label().validate('my-').hasValue()",
            "format.uuid().validate('123e4567-e89b-12d3-a456-426614174000') == optional.none() && format.uuid().validate('x').hasValue()",
            "format.byte().validate('aGVsbG8=') == optional.none() && format.byte().validate('!!').hasValue()",
            "format.date().validate('2026-12-01') == optional.none() && format.datetime().validate('2026-12-01T10:00:00Z') == optional.none()",
            "format.uri().validate('https://kubernetes.io') == optional.none() && format.uri().validate('rel').hasValue()",
            // strings.format (cel-go ext strings tests)
            "'%s and %s'.format(['a', 1]) == 'a and 1'",
            "'%d %%'.format([5]) == '5 %'",
            "'%.2f'.format([3.14159]) == '3.14' && '%f'.format([1.0]) == '1.000000'",
            "'%e'.format([1234.5]) == '1.234500e+03'",
            "'%b %o %x %X'.format([5, 8, 255, 255]) == '101 10 ff FF'",
            "'%x'.format(['Hi']) == '4869'",
            "'%s'.format([[1, 'a']]) == '[1, \"a\"]'",
            // lists extension (cel-go ext lists tests)
            "[1, [2, [3]]].flatten() == [1, 2, [3]] && [1, [2, [3]]].flatten(2) == [1, 2, 3]",
            "[1, 2, 1, 3].distinct() == [1, 2, 3] && [3, 1, 2].sort() == [1, 2, 3] && [1, 2, 3].reverse() == [3, 2, 1]",
            // sortBy (cel-go's lists_test): by a key, stable, over maps and an empty list
            "[{'name': 'foo', 'score': 0}, {'name': 'bar', 'score': -10}, {'name': 'baz', 'score': 1000}].sortBy(e, e.score).map(e, e.name) == ['bar', 'foo', 'baz']",
            "['apple', 'fig', 'banana', 'kiwi'].sortBy(s, s.size()) == ['fig', 'apple', 'kiwi', 'banana'].sortBy(s, s.size())",
            "['bb', 'a', 'cc', 'd'].sortBy(s, s.size()) == ['a', 'd', 'bb', 'cc']",
            "[3, 1, 2].sortBy(x, -x) == [3, 2, 1] && [].sortBy(x, x) == []",
            "[1, 2, 3, 4].slice(1, 3) == [2, 3]",
            // cel.bind, encoders, math
            "cel.bind(x, 'ab', x + x) == 'abab'",
            "base64.encode(b'hello') == 'aGVsbG8=' && base64.decode('aGVsbG8=') == b'hello'",
            "math.greatest(1, 3, 2) == 3 && math.least([4, 2]) == 2",
            "math.ceil(1.2) == 2.0 && math.floor(1.8) == 1.0 && math.round(1.5) == 2.0 && math.trunc(-1.5) == -1.0",
            "math.abs(-3) == 3 && math.sign(-2.5) == -1.0 && math.isNaN(0.0 / 0.0) && math.isInf(1.0 / 0.0) && math.isFinite(1.0)",
            "math.bitAnd(6, 3) == 2 && math.bitShiftLeft(1, 4) == 16",
    })
    void holds(String expression) throws Exception {
        assertThat(eval(expression)).as(expression).isEqualTo(true);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            ip('192.168.0.1.0')                 | IP Address "192.168.0.1.0" parse error during conversion from string
            ip.isCanonical('127.0.0.1.0')       | IP Address "127.0.0.1.0" parse error
            ip('2001:db8:::68')                 | IP Address "2001:db8:::68" parse error
            cidr('192.168.0.0/33')              | network address parse error
            semver('v1.0')                      | No Major.Minor.Patch elements found
            url('../relative')                  | URL parse error
            '%s %s'.format(['a'])               | out of range
            '%d'.format(['a'])                  | %d needs an integer
            '%q'.format([1])                    | unrecognized formatting clause
            [1, 'a'].sortBy(x, x)               | cannot compare
            """)
    void failsWithKubernetesReason(String expression, String reason) {
        assertThatThrownBy(() -> eval(expression)).isInstanceOf(Failed.class).hasMessageContaining(reason);
    }

    @Test
    void rangeIsLeftOut() {
        assertThatThrownBy(() -> eval("lists.range(1000000000).size()")).isInstanceOf(CelCompileException.class).hasMessageContaining("lists.range");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "authorizer.group('').resource('pods').check('create').allowed()",
            "authorizer.serviceAccount('ns', 'sa').group('').resource('pods').check('get').allowed()",
            "has(request.userInfo) && authorizer.requestResource.check('update').allowed()",
    })
    void authorizerIsRefusedWithTheReason(String expression) {
        assertThatThrownBy(() -> ENV.compile(expression, SimpleType.BOOL))
                .isInstanceOf(CelCompileException.class)
                .hasMessageContaining("a webhook cannot honour authorizer checks");
    }

    @Test
    void aFieldNamedAuthorizerIsNotRefused() throws Exception {
        assertThat(ENV.compile("{'authorizer': 1}.authorizer == 1", SimpleType.BOOL)).isNotNull();
    }

    @Test
    void typeErrorsStayCompileErrors() {
        assertThatThrownBy(() -> ENV.compile("isSemver([1, 2, 3])", SimpleType.DYN)).hasMessageContaining("found no matching overload for 'isSemver'");
        assertThatThrownBy(() -> ENV.compile("isIP(cidr('192.168.0.0/24'))", SimpleType.DYN)).hasMessageContaining("found no matching overload for 'isIP'");
    }
}
