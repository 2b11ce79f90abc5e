package dev.harbormaster.cel;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code url(s)}: an absolute URI or an absolute path, as Go's url.ParseRequestURI accepts. */
record KubeUrl(String source, URI uri) {

    static KubeUrl parse(String s) {
        URI uri;
        try {
            uri = new URI(s);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("URL parse error during conversion from string: " + e.getMessage());
        }
        if (!uri.isAbsolute() && !s.startsWith("/")) {
            throw new IllegalArgumentException("URL parse error during conversion from string: parse \"" + s + "\": invalid URI for request");
        }
        return new KubeUrl(s, uri);
    }

    String scheme() {
        return uri.getScheme() == null ? "" : uri.getScheme();
    }

    /** Host with port; an IPv6 host keeps its brackets. */
    String host() {
        String host = uri.getHost() == null ? "" : uri.getHost();
        return uri.getPort() < 0 ? host : host + ":" + uri.getPort();
    }

    String hostname() {
        String host = uri.getHost() == null ? "" : uri.getHost();
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    String port() {
        return uri.getPort() < 0 ? "" : Integer.toString(uri.getPort());
    }

    String escapedPath() {
        return uri.getRawPath() == null ? "" : uri.getRawPath();
    }

    /** Query parameters, each with its values in order; linear in the query's length. */
    Map<String, List<String>> query() {
        Map<String, List<String>> query = new LinkedHashMap<>();
        String raw = uri.getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            query.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return query;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return source;
    }
}
