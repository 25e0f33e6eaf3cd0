package io.profilestream.loadtest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The bench's results.json: flat dotted keys become nested objects.
 */
class JsonTest {

    @Test
    void shouldNestDottedKeysInJson() {
        assertThat(Json.nested(Map.of("a.b.c", 1.5)))
            .isEqualToIgnoringWhitespace("{\"a\": {\"b\": {\"c\": 1.500}}}");
    }
}
