package io.profilestream.app;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * A seeded generator of hostile HTTP requests for the engine's API: every route, random and odd methods, ids of every
 * length and alphabet, bodies that are random bytes, truncated or mistyped JSON, deeply nested JSON or huge numbers,
 * and keys that are right, read-only, wrong or missing.
 */
final class HostileRequests {

    /** One request; the key is null when none is sent. */
    record Request(String method, String path, byte[] body, String key) {
    }

    // HEAD is left out: Java's client then waits for the body a GET would have had.
    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");
    private static final List<String> BODIES = List.of(
        "", "{", "}", "null", "[]", "\"text\"", "42", "{\"customerId\":", "{\"customerId\":null}",
        "{\"customerId\":42}", "{\"customerId\":[\"a\"]}", "{\"customerId\":{}}", "{\"expression\":42}",
        "{\"expression\":\"profile.\"}", "{\"expression\":\"\"}", "{\"expression\":\"profile.transactions.orders > \"}",
        "{\"name\":1,\"expression\":[]}", "{\"name\":\"n\",\"kind\":\"NOPE\",\"expression\":\"true\"}",
        "{\"name\":\"n\",\"kind\":\"SEGMENT\",\"expression\":\"true\",\"priority\":\"high\"}",
        "{\"name\":\"n\",\"kind\":\"SEGMENT\",\"expression\":\"true\",\"priority\":1e400,\"enabled\":\"maybe\"}",
        "{\"a\":1,\"a\":2}", "{\"customerId\":\"\\ud800\"}", "\u0000\u0001\u0002");

    private final Random random;

    HostileRequests(final Random random) {
        this.random = random;
    }

    Request next() {
        final String id = id();
        final String path = switch (random.nextInt(11)) {
            case 0 -> "/api/v1/profiles/" + HostileRequestsIT.encode(id);
            case 1 -> "/api/v1/identities/" + HostileRequestsIT.encode(id);
            case 2 -> "/api/v1/instances";
            case 3 -> "/api/v1/segments";
            case 4, 5 -> "/api/v1/segments/" + HostileRequestsIT.encode(id);
            case 6 -> "/api/v1/segments/preview";
            case 7 -> "/api/v1/segments/" + HostileRequestsIT.encode(id) + "/members?limit="
                + HostileRequestsIT.encode(pick(List.of("-1", "0", "abc", "99999999999", "1e3", "", "5")))
                + "&cursor=" + HostileRequestsIT.encode(id());
            case 8 -> "/api/v1/erasures";
            case 9 -> "/api/v1/" + HostileRequestsIT.encode(id);
            default -> "/" + HostileRequestsIT.encode(id);
        };
        // Jetty refuses an ambiguous path (encoded NUL, slash, backslash or dot segments) or a request line over its
        // 8 KiB limit before reading the body and closes the connection; Java's client, still sending the body,
        // reports that as a broken pipe (and its expect-continue hangs on JDK 17), so such requests go without one.
        // rawRequests() sends them as bytes.
        final boolean refusedByJetty = path.length() > 7_000 || path.matches(".*(%00|%2F|%5C|%25|\\.\\.).*");
        final byte[] body = body();
        return new Request(pick(METHODS), path, refusedByJetty ? null : body, key());
    }

    private String id() {
        final int length = pick(List.of(0, 1, 8, 40, 255, 256, 1_000, 3_000));
        final StringBuilder id = new StringBuilder(length);
        final int alphabet = random.nextInt(4);
        for (int i = 0; i < length; i++) {
            id.appendCodePoint(switch (alphabet) {
                case 0 -> 'a' + random.nextInt(26);
                case 1 -> 32 + random.nextInt(95);
                case 2 -> random.nextInt(0x3000);
                default -> pick(List.of((int) '/', (int) '.', (int) '%', (int) '\\', 0, (int) ':', 0x1F600));
            });
        }
        return id.toString();
    }

    private byte[] body() {
        return switch (random.nextInt(6)) {
            case 0 -> null;
            case 1 -> {
                final byte[] bytes = new byte[random.nextInt(4_000)];
                random.nextBytes(bytes);
                yield bytes;
            }
            case 2 -> ("[".repeat(5_000 + random.nextInt(20_000))).getBytes(StandardCharsets.UTF_8);
            case 3 -> ("{\"customerId\":" + "9".repeat(2_000 + random.nextInt(20_000)) + "}")
                .getBytes(StandardCharsets.UTF_8);
            case 4 -> {
                final String json = "{\"name\":\"n\",\"kind\":\"SEGMENT\",\"expression\":\"profile.transactions.orders"
                    + " >= 2\",\"customerId\":\"c-" + random.nextInt(100) + "\"}";
                yield json.substring(0, random.nextInt(json.length() + 1)).getBytes(StandardCharsets.UTF_8);
            }
            default -> pick(BODIES).getBytes(StandardCharsets.UTF_8);
        };
    }

    private String key() {
        return pick(List.of("hostile-admin", "hostile-admin", "hostile-admin", "hostile-reader", "wrong", ""))
            .transform(key -> key.isEmpty() && random.nextBoolean() ? null : key);
    }

    private <T> T pick(final List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    /**
     * Requests that are not valid HTTP, or not valid paths, sent as raw bytes; {@code KEY} stands for the admin key.
     */
    static List<String> rawRequests() {
        return List.of(
            "GET /api/v1/profiles/%zz HTTP/1.1\r\nHost: x\r\nX-API-Key: KEY\r\nConnection: close\r\n\r\n",
            "GET /api/v1/profiles/%00 HTTP/1.1\r\nHost: x\r\nX-API-Key: KEY\r\nConnection: close\r\n\r\n",
            "GET /api/v1/profiles/a/../../health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            "GET /api/v1/profiles/" + "x".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            "GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: " + "y".repeat(20_000) + "\r\nConnection: close\r\n\r\n",
            "POST /api/v1/erasures HTTP/1.1\r\nHost: x\r\nX-API-Key: KEY\r\nContent-Length: -5\r\n"
                + "Connection: close\r\n\r\n",
            "POST /api/v1/erasures HTTP/1.1\r\nHost: x\r\nX-API-Key: KEY\r\nContent-Length: 5\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n",
            "BREW /api/v1/segments HTTP/1.1\r\nHost: x\r\nX-API-Key: KEY\r\nConnection: close\r\n\r\n",
            "this is not http\r\n\r\n");
    }

    /**
     * Segment rules built to cost: deep nesting, huge literals, long field chains, nested comprehensions, long
     * expressions.
     */
    static List<String> expressionBombs() {
        return List.of(
            "(".repeat(1_500) + "true" + ")".repeat(1_500),
            "[".repeat(1_500) + "1" + "]".repeat(1_500) + " == []",
            "!(".repeat(700) + "true" + ")".repeat(700),
            "-(".repeat(700) + "1" + ")".repeat(700) + " > 0",
            "1" + " + 1".repeat(1_000) + " > 0",
            "true" + " && true".repeat(500),
            "profile" + ".identity".repeat(800) + " == 1",
            "profile.transactions.orders > " + "9".repeat(3_000),
            "profile.identity.customerId == \"" + "a".repeat(5_000) + "\"",
            "[1,2,3].all(x, [1,2,3].all(y, [1,2,3].all(z, x + y + z > 0)))",
            "[" + "1,".repeat(1_500) + "1].map(x, [" + "1,".repeat(100) + "1].map(y, x * y)).size() > 0",
            "size(\"" + "\\u0041".repeat(700) + "\") > 0 && " + "size('a') > 0 && ".repeat(120) + "true");
    }
}
