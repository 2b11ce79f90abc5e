package dev.harbormaster.audit;

import dev.harbormaster.cel.CelJson;
import java.util.Map;

/** One Kubernetes object read from a file, with where it came from. */
public record Manifest(String file, int document, int line, Map<String, Object> object) {

    public String kind() {
        return String.valueOf(object.get("kind"));
    }

    public String name() {
        String name = CelJson.string(CelJson.map(object, "metadata"), "name");
        return name == null ? "" : name;
    }

    /** The namespace the object names, or "" when it names none. */
    public String namespace() {
        String namespace = CelJson.string(CelJson.map(object, "metadata"), "namespace");
        return namespace == null ? "" : namespace;
    }

    /** {@code Deployment shop/web}; an object named by generateName: {@code Job shop/migrate-<generated>}. */
    public String title() {
        String name = name();
        if (name.isEmpty()) {
            String generateName = CelJson.string(CelJson.map(object, "metadata"), "generateName");
            name = generateName == null ? "(no name)" : generateName + "<generated>";
        }
        return kind() + " " + (namespace().isEmpty() ? "" : namespace() + "/") + name;
    }

    /** {@code deploy.yaml:12}. */
    public String where() {
        return file + ":" + line;
    }
}
