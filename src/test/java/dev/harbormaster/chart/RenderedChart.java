package dev.harbormaster.chart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The chart rendered by real Helm (helm-java), as the objects it would apply. */
record RenderedChart(List<JsonNode> objects) {

    static final Path CHART = Path.of("charts/harbormaster");
    static final String RELEASE = "hm";
    static final String NAMESPACE = "harbormaster";
    /** The chart's fullname for release {@link #RELEASE}: the name of most of its objects. */
    static final String FULLNAME = "hm-harbormaster";
    /**
     * The cluster's version. helm-java's template, with no cluster, would assume 1.20 (its library
     * is built without Helm's version stamp), below the chart's kubeVersion.
     */
    static final String KUBERNETES = "1.34";

    static final YAMLMapper YAML = new YAMLMapper();

    /** helm template hm charts/harbormaster -n harbormaster --set key=value ... */
    static RenderedChart render(Map<String, String> set) {
        return render(set, null);
    }

    static RenderedChart render(Map<String, String> set, Path valuesFile) {
        TemplateCommand template = new Helm(CHART).template().withName(RELEASE).withNamespace(NAMESPACE)
                .withKubeVersion(KUBERNETES + ".0");
        set.forEach(template::set);
        if (valuesFile != null) {
            template.withValuesFile(valuesFile);
        }
        return parse(template.call());
    }

    static RenderedChart parse(String yaml) {
        try {
            List<JsonNode> objects = new ArrayList<>();
            for (JsonNode document : YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml).readAll()) {
                if (document != null && document.isObject() && !document.isEmpty()) {
                    objects.add(document);
                }
            }
            return new RenderedChart(objects);
        } catch (IOException e) {
            throw new UncheckedIOException("helm rendered something that is not YAML:\n" + yaml, e);
        }
    }

    /**
     * helm lint --strict with these values. helm-java's lint takes no values, so the chart is copied
     * to {@code workDir} with the values written into its values.yaml.
     */
    static LintResult lint(Map<String, String> set, Path workDir) throws IOException {
        Path chart = workDir.resolve("harbormaster");
        try (Stream<Path> files = Files.walk(CHART)) {
            for (Path file : files.toList()) {
                Path target = chart.resolve(CHART.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
        ObjectNode values = (ObjectNode) YAML.readTree(chart.resolve("values.yaml").toFile());
        set.forEach((key, value) -> {
            String[] path = key.split("\\.");
            ObjectNode parent = values;
            for (int i = 0; i < path.length - 1; i++) {
                parent = parent.with(path[i]);
            }
            JsonNode scalar = YAML.getNodeFactory().textNode(value);
            if (value.equals("true") || value.equals("false")) {
                scalar = YAML.getNodeFactory().booleanNode(Boolean.parseBoolean(value));
            } else if (value.matches("-?\\d+")) {
                scalar = YAML.getNodeFactory().numberNode(Long.parseLong(value));
            }
            parent.set(path[path.length - 1], scalar);
        });
        YAML.writeValue(chart.resolve("values.yaml").toFile(), values);
        return new Helm(chart).lint().strict().call();
    }

    List<JsonNode> all(String kind) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
    }

    /** The one object of this kind; fails when there is none or more than one. */
    JsonNode one(String kind) {
        List<JsonNode> found = all(kind);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + kind + ", found " + found.size() + " in " + kinds());
        }
        return found.get(0);
    }

    JsonNode named(String kind, String name) {
        return all(kind).stream().filter(o -> name.equals(o.path("metadata").path("name").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + kinds()));
    }

    /** kind/name of every object, in order. */
    List<String> kinds() {
        return objects.stream().map(o -> o.path("kind").asText() + "/" + o.path("metadata").path("name").asText()).toList();
    }

    JsonNode container() {
        return one("Deployment").at("/spec/template/spec/containers/0");
    }

    /** The value of the Deployment's environment variable, or null. */
    String env(String name) {
        for (JsonNode env : container().path("env")) {
            if (name.equals(env.path("name").asText())) {
                return env.path("value").asText();
            }
        }
        return null;
    }
}
