package dev.harbormaster.intree;

import dev.cel.common.ast.CelExpr;
import dev.harbormaster.cel.CelPrinter;
import dev.harbormaster.cel.CelPrinter.Refusal;
import dev.harbormaster.cel.ImageReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Harbormaster's CEL helpers written out in the CEL kube-apiserver has (strings, regex, lists,
 * optional, {@code cel.bind}), node by node, so a lowered policy computes what the original did.
 * Each expansion binds its arguments first ({@code cel.bind(hm_o, <arg>, …)}), so an argument is
 * evaluated once and never sees the names the expansion introduces. The {@code cluster} lookups,
 * {@code selects} and {@code disruptionsAllowed} are refused: they need the webhook.
 *
 * <p>An image reference is lowered to a map of its parts ({@code registry}, {@code repository},
 * {@code tag}, {@code digest}) computed by the same steps as {@link dev.harbormaster.cel.ImageReference};
 * its methods read that map.
 */
final class HelperExpansion implements CelPrinter.Rewrite {

    private static final Set<String> IMAGE_MEMBERS = Set.of("name", "familiarName", "registry", "repository", "tag", "digest",
            "hasTag", "hasDigest", "isLatest");
    private static final Set<String> WEBHOOK_ONLY = Set.of("selects", "disruptionsAllowed");

    /** How identifiers are renamed on the way (params to params.spec, object to oldObject for a ratchet). */
    private final UnaryOperator<String> identifiers;
    /** How {@code variables.x} is renamed (to the old object's copy for a ratchet). */
    private final UnaryOperator<String> variables;

    HelperExpansion(UnaryOperator<String> identifiers, UnaryOperator<String> variables) {
        this.identifiers = identifiers;
        this.variables = variables;
    }

    /** The expression in Kubernetes' CEL. */
    static String lower(String expression, UnaryOperator<String> identifiers, UnaryOperator<String> variables) throws Refusal {
        return new CelPrinter(new HelperExpansion(identifiers, variables)).print(expression);
    }

    @Override
    public Optional<String> rewrite(CelExpr expr, CelPrinter printer) throws Refusal {
        switch (expr.exprKind().getKind()) {
            case IDENT: {
                String name = expr.ident().name();
                if (name.equals("cluster")) {
                    throw new Refusal("reads the cluster (cluster.*), which only the webhook's ClusterView answers");
                }
                String renamed = identifiers.apply(name);
                return renamed.equals(name) ? Optional.empty() : Optional.of(renamed);
            }
            case SELECT: {
                CelExpr operand = expr.select().operand();
                if (operand.exprKind().getKind() == CelExpr.ExprKind.Kind.IDENT && operand.ident().name().equals("variables")) {
                    return Optional.of("variables." + variables.apply(expr.select().field()));
                }
                return Optional.empty();
            }
            case CALL:
                return call(expr.call(), printer);
            default:
                return Optional.empty();
        }
    }

    private Optional<String> call(CelExpr.CelCall call, CelPrinter printer) throws Refusal {
        String function = call.function();
        List<String> args = new ArrayList<>();
        String namespace = call.target().filter(t -> t.exprKind().getKind() == CelExpr.ExprKind.Kind.IDENT)
                .map(t -> t.ident().name()).orElse("");
        if (WEBHOOK_ONLY.contains(function) && call.target().isEmpty()) {
            throw new Refusal("calls " + function + "(), which has no Kubernetes CEL equivalent here");
        }
        boolean workload = namespace.equals("workload");
        boolean imageFunction = namespace.equals("image") || (call.target().isEmpty() && (function.equals("image") || function.equals("isImage")));
        boolean imageMember = call.target().isPresent() && call.args().isEmpty() && IMAGE_MEMBERS.contains(function) && !workload;
        if (!workload && !imageFunction && !imageMember) {
            return Optional.empty();
        }
        for (CelExpr arg : call.args()) {
            args.add(printer.print(arg));
        }
        if (imageMember) {
            return Optional.of(imageMember(function, printer.print(call.target().get())));
        }
        if (imageFunction) {
            return Optional.of(switch (function) {
                case "image" -> parsedImage(args.get(0));
                case "isImage" -> "(" + invalidReason(args.get(0)) + " == \"\")";
                case "invalidReason" -> invalidReason(args.get(0));
                default -> throw new Refusal("calls image." + function + "(), which has no Kubernetes CEL expansion");
            });
        }
        return Optional.of(switch (function) {
            case "podSpec" -> bind("hm_o", args.get(0), "(" + template("hm_o") + ".?spec.orValue({}))");
            case "podLabels" -> bind("hm_o", args.get(0), "(" + template("hm_o") + ".?metadata.?labels.orValue({}))");
            case "podAnnotations" -> bind("hm_o", args.get(0), "(" + template("hm_o") + ".?metadata.?annotations.orValue({}))");
            case "containers", "initContainers", "ephemeralContainers" ->
                    bind("hm_o", args.get(0), "(" + template("hm_o") + ".?spec.?" + function + ".orValue([]))");
            case "allContainers" -> bind("hm_o", args.get(0), "cel.bind(hm_t, " + template("hm_o") + ", "
                    + "hm_t.?spec.?containers.orValue([]) + hm_t.?spec.?initContainers.orValue([]) + hm_t.?spec.?ephemeralContainers.orValue([]))");
            case "podSpecPath" -> bind("hm_o", args.get(0), podSpecPath("hm_o"));
            case "podSpecPointer" -> bind("hm_o", args.get(0), "(\"/\" + " + podSpecPath("hm_o") + ".replace(\".\", \"/\"))");
            case "containerPath" -> bind("hm_o", args.get(0), bind("hm_n", args.get(1), containerPath()));
            case "annotation" -> bind("hm_o", args.get(0), bind("hm_ns", args.get(1), bind("hm_k", args.get(2), annotation())));
            case "preStopSleepSeconds" -> bind("hm_c", args.get(0), preStopSleepSeconds());
            default -> throw new Refusal("calls workload." + function + "(), which has no Kubernetes CEL expansion");
        });
    }

    private static String bind(String name, String value, String body) {
        return "cel.bind(" + name + ", " + value + ", " + body + ")";
    }

    private static String kind(String object) {
        return "(type(" + object + ") == map ? " + object + ".?kind.orValue(\"\") : \"\")";
    }

    /** The pod template (the Pod itself for a Pod), as an optional: as Workloads.podTemplate. */
    static String template(String object) {
        String kind = kind(object);
        return "(type(" + object + ") != map ? optional.none() : " + kind + " == \"Pod\" ? optional.of(" + object + ") : "
                + kind + " == \"CronJob\" ? " + object + ".?spec.?jobTemplate.?spec.?template : " + object + ".?spec.?template)";
    }

    private static String podSpecPath(String object) {
        String kind = kind(object);
        return "(" + kind + " == \"Pod\" ? \"spec\" : " + kind + " == \"CronJob\" ? \"spec.jobTemplate.spec.template.spec\" : \"spec.template.spec\")";
    }

    /** The first list, then index, of the container named hm_n; the pod spec path alone when none is. */
    private static String containerPath() {
        String lists = "[\"containers\", \"initContainers\", \"ephemeralContainers\"]";
        String names = "hm_t.?spec[?hm_l].orValue([]).map(hm_c, type(hm_c) == map ? hm_c.?name.orValue(null) : null)";
        return "cel.bind(hm_t, " + template("hm_o") + ", cel.bind(hm_p, " + podSpecPath("hm_o") + ", "
                + "cel.bind(hm_in, " + lists + ".filter(hm_l, hm_n in " + names + "), "
                + "hm_in.size() == 0 ? hm_p : cel.bind(hm_l, hm_in[0], hm_p + \".\" + hm_l + \"[\" + string(" + names + ".indexOf(hm_n)) + \"]\"))))";
    }

    /** The annotation on the object, else its pod template, else its namespace; "" when none has it or it is no string. */
    private static String annotation() {
        return "cel.bind(hm_v, (type(hm_o) == map ? hm_o.?metadata.?annotations[?hm_k] : optional.none())"
                + ".or(" + template("hm_o") + ".?metadata.?annotations[?hm_k])"
                + ".or(type(hm_ns) == map ? hm_ns.?metadata.?annotations[?hm_k] : optional.none()).orValue(\"\"), "
                + "type(hm_v) == string ? hm_v : \"\")";
    }

    /**
     * The native sleep action's seconds, else the sleeps of the exec command added up. The webhook
     * finds them with a lookahead, which RE2 lacks: doubling every delimiter lets each match consume
     * the one after it and leave the next match its own.
     */
    private static String preStopSleepSeconds() {
        String delimiters = " \t\n\u000b\f\r;&|()";
        StringBuilder doubled = new StringBuilder("hm_cmd");
        for (char d : delimiters.toCharArray()) {
            String one = CelPrinter.quote(String.valueOf(d));
            doubled.append(".replace(").append(one).append(", ").append(CelPrinter.quote(String.valueOf(d) + d)).append(')');
        }
        String space = "[ \\t\\n\\x0b\\f\\r]";
        String sleep = "(?:^|[ \\t\\n\\x0b\\f\\r;&|(])(?:/usr)?(?:/bin/)?sleep" + space + "+[0-9]+[smh]?(?:$|[ \\t\\n\\x0b\\f\\r;&|)])";
        String seconds = "cel.bind(hm_d, hm_m.find(\"[0-9]+[smh]?\"), "
                + "hm_d.endsWith(\"m\") ? int(hm_d.substring(0, hm_d.size() - 1)) * 60 : "
                + "hm_d.endsWith(\"h\") ? int(hm_d.substring(0, hm_d.size() - 1)) * 3600 : "
                + "hm_d.endsWith(\"s\") ? int(hm_d.substring(0, hm_d.size() - 1)) : int(hm_d))";
        return "(type(hm_c) != map ? 0 : cel.bind(hm_ps, hm_c.?lifecycle.?preStop, "
                + "hm_ps.?sleep.?seconds.hasValue() && type(hm_ps.?sleep.?seconds.value()) == int ? hm_ps.?sleep.?seconds.value() : "
                + "cel.bind(hm_cmd, hm_ps.?exec.?command.orValue([]).map(hm_x, type(hm_x) == string ? hm_x : string(hm_x)).join(\" \"), "
                + "([0] + " + doubled + ".findAll(" + CelPrinter.quote(sleep) + ").map(hm_m, " + seconds + ")).sum())))";
    }

    // The distribution reference grammar, as ImageReference states it (RE2 accepts it as written).
    private static final String DOMAIN = ImageReference.Grammar.DOMAIN;
    private static final String REMAINDER = "^(?:" + ImageReference.Grammar.PATH + ")(?::(?:" + ImageReference.Grammar.TAG + "))?(?:@(?:"
            + ImageReference.Grammar.DIGEST + "))?$";

    /**
     * Binds, around {@code body}, the steps of ImageReference.parse for the reference in hm_s:
     * hm_first (what comes before the first slash), hm_host, hm_reg, hm_rem (after the registry),
     * hm_remote (the path) and hm_at (where the digest starts in hm_rem, or -1).
     */
    private static String parsing(String body) {
        return "cel.bind(hm_first, hm_s.indexOf(\"/\") >= 0 ? hm_s.substring(0, hm_s.indexOf(\"/\")) : \"\", "
                + "cel.bind(hm_host, hm_s.indexOf(\"/\") >= 0 && (hm_first.contains(\".\") || hm_first.contains(\":\") "
                + "|| hm_first == \"localhost\" || hm_first != hm_first.lowerAscii()), "
                + "cel.bind(hm_reg, !hm_host ? \"docker.io\" : hm_first == \"index.docker.io\" ? \"docker.io\" : hm_first, "
                + "cel.bind(hm_rem, hm_host ? hm_s.substring(hm_s.indexOf(\"/\") + 1) : hm_s, "
                + "cel.bind(hm_remote, hm_rem.find(\"^[^:@]*\"), "
                + "cel.bind(hm_at, hm_rem.indexOf(\"@\"), " + body + "))))))";
    }

    /** Why the reference in the argument is none, "" when it is one: the messages of ImageReference, in its order. */
    private static String invalidReason(String reference) {
        String quoted = "\"\\\"\" + hm_s + \"\\\"";
        String hint = "(hm_at != hm_rem.lastIndexOf(\"@\") ? \"more than one @digest\" : "
                + "hm_at >= 0 && !hm_rem.substring(hm_at + 1).contains(\":\") ? \"a digest is algorithm:hex, e.g. sha256:<64 hex>\" : "
                + "cel.bind(hm_bd, hm_at >= 0 ? hm_rem.substring(0, hm_at) : hm_rem, hm_bd.indexOf(\":\") != hm_bd.lastIndexOf(\":\") ? \"more than one :tag\" : "
                + "hm_at >= 0 && hm_rem.substring(hm_at + 1).size() - hm_rem.substring(hm_at + 1).indexOf(\":\") - 1 < 32 ? \"the digest is too short\" : "
                + "\"expected [registry[:port]/]name[:tag][@digest], lowercase name components separated by /, . _ or -\"))";
        String digest = "cel.bind(hm_dg, hm_rem.substring(hm_at + 1), cel.bind(hm_alg, hm_dg.substring(0, hm_dg.indexOf(\":\")), "
                + "cel.bind(hm_hex, hm_dg.substring(hm_dg.indexOf(\":\") + 1), cel.bind(hm_len, {\"sha256\": 64, \"sha384\": 96, \"sha512\": 128}[?hm_alg], "
                + "!hm_len.hasValue() ? " + quoted + ": unsupported digest algorithm \\\"\" + hm_alg + \"\\\" (sha256, sha384 or sha512)\" : "
                + "hm_hex.size() != hm_len.value() || hm_hex != hm_hex.lowerAscii() ? " + quoted + ": a \" + hm_alg + \" digest is \" + string(hm_len.value()) "
                + "+ \" lowercase hex characters, this one has \" + string(hm_hex.size()) : \"\"))))";
        String repository = "(hm_reg == \"docker.io\" && !hm_remote.contains(\"/\") ? \"library/\" + hm_remote : hm_remote)";
        String checks = "!hm_host || hm_first.matches(" + CelPrinter.quote("^" + DOMAIN + "$") + ") ? ("
                + "hm_remote != hm_remote.lowerAscii() ? " + quoted + ": the repository name \\\"\" + hm_remote + \"\\\" must be lowercase\" : "
                + "!hm_rem.matches(" + CelPrinter.quote(REMAINDER) + ") ? " + quoted + " is not a valid image reference (\" + " + hint + " + \")\" : "
                + "hm_reg.size() + 1 + " + repository + ".size() > 255 ? " + quoted + ": the repository name is longer than 255 characters\" : "
                + "hm_at >= 0 ? " + digest + " : \"\") : "
                + quoted + ": \\\"\" + hm_first + \"\\\" is not a valid registry host[:port]\"";
        return bind("hm_s", reference, "(hm_s == \"\" ? \"empty image reference\" : "
                + "hm_s.trim() != hm_s ? " + quoted + " has leading or trailing whitespace\" : "
                + "hm_s.matches(\"^[a-f0-9]{64}$\") ? " + quoted + " is a 64-character hex image ID, not a repository name\" : "
                + parsing(checks) + ")");
    }

    /** The parts of a reference (taken as valid: policies test isImage first, as they must for image()). */
    private static String parsedImage(String reference) {
        String repository = "(hm_reg == \"docker.io\" && !hm_remote.contains(\"/\") ? \"library/\" + hm_remote : hm_remote)";
        String afterPath = "hm_rem.substring(hm_remote.size())";
        return bind("hm_s", reference, parsing("{\"registry\": hm_reg, \"repository\": " + repository + ", "
                + "\"tag\": " + afterPath + ".startsWith(\":\") ? " + afterPath + ".substring(1).find(\"^[^@]*\") : \"\", "
                + "\"digest\": hm_at >= 0 ? hm_rem.substring(hm_at + 1) : \"\"}"));
    }

    private static String imageMember(String member, String image) {
        String name = "hm_i.registry + \"/\" + hm_i.repository";
        return bind("hm_i", image, switch (member) {
            case "name" -> "(" + name + ")";
            case "familiarName" -> "(hm_i.registry != \"docker.io\" ? " + name + " : hm_i.repository.startsWith(\"library/\") "
                    + "&& !hm_i.repository.substring(8).contains(\"/\") ? hm_i.repository.substring(8) : hm_i.repository)";
            case "registry", "repository", "tag", "digest" -> "hm_i." + member;
            case "hasTag" -> "(hm_i.tag != \"\")";
            case "hasDigest" -> "(hm_i.digest != \"\")";
            default -> "(hm_i.digest == \"\" && (hm_i.tag == \"\" || hm_i.tag == \"latest\"))";
        });
    }
}
