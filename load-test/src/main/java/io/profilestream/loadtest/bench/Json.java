package io.profilestream.loadtest.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Writes flat dotted keys ({@code throughput.engine_eos}) as nested JSON objects; values are numbers (three
 * decimals, null when not finite) or strings.
 */
final class Json {

    private Json() {
    }

    static String nested(final Map<String, ?> flat) {
        final Map<String, Object> root = new LinkedHashMap<>();
        flat.forEach((key, value) -> put(root, key.split("\\."), value));
        final StringBuilder out = new StringBuilder();
        write(out, root, "");
        return out.append('\n').toString();
    }

    @SuppressWarnings("unchecked")
    private static void put(final Map<String, Object> root, final String[] path, final Object value) {
        Map<String, Object> node = root;
        for (int i = 0; i < path.length - 1; i++) {
            node = (Map<String, Object>) node.computeIfAbsent(path[i], k -> new LinkedHashMap<String, Object>());
        }
        node.put(path[path.length - 1], value);
    }

    @SuppressWarnings("unchecked")
    private static void write(final StringBuilder out, final Object value, final String indent) {
        if (value instanceof Map<?, ?> map) {
            out.append("{\n");
            int i = 0;
            for (final Map.Entry<String, Object> entry : ((Map<String, Object>) map).entrySet()) {
                out.append(indent).append("  \"").append(entry.getKey()).append("\": ");
                write(out, entry.getValue(), indent + "  ");
                out.append(++i < map.size() ? ",\n" : "\n");
            }
            out.append(indent).append('}');
        } else if (value instanceof String text) {
            out.append('"').append(text.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        } else {
            final double number = (Double) value;
            out.append(Double.isFinite(number) ? String.format(Locale.ROOT, "%.3f", number) : "null");
        }
    }
}
