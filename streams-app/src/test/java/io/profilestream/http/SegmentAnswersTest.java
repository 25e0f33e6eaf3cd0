package io.profilestream.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

class SegmentAnswersTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldSumSizesAndBackfillProgressOfEveryInstanceForTheLocalCatalogue() throws Exception {
        final ObjectNode local = json("{\"segments\":[{\"id\":\"big\",\"name\":\"Big\",\"size\":2,"
            + "\"backfill\":{\"state\":\"DONE\",\"processed\":3,\"total\":3}},"
            + "{\"id\":\"new\",\"size\":0,\"backfill\":{\"state\":\"DONE\",\"processed\":0,\"total\":0}}]}");
        final JsonNode other = json("{\"segments\":[{\"id\":\"big\",\"size\":5,"
            + "\"backfill\":{\"state\":\"RUNNING\",\"processed\":1,\"total\":4}},"
            + "{\"id\":\"gone\",\"size\":9,\"backfill\":{\"state\":\"DONE\",\"processed\":9,\"total\":9}}]}");

        final ObjectNode merged = SegmentAnswers.list(local, List.of(other));

        assertThat(merged.at("/segments/0/name").asText()).isEqualTo("Big");
        assertThat(merged.at("/segments/0/size").asLong()).isEqualTo(7);
        assertThat(merged.at("/segments/0/backfill").toString())
            .isEqualTo("{\"state\":\"RUNNING\",\"processed\":4,\"total\":7}");
        assertThat(merged.at("/segments/1/size").asLong()).isZero();
        assertThat(merged.path("segments")).hasSize(2);
        assertThat(local.at("/segments/0/size").asLong()).as("the local answer is left as it was").isEqualTo(2);
    }

    @Test
    void shouldMergeMemberPagesIntoOneOrderedPageWhoseCursorIsItsLastId() throws Exception {
        final ObjectNode local = json("{\"members\":[\"c1\",\"c4\",\"c6\"],\"nextCursor\":\"c6\"}");
        final JsonNode other = json("{\"members\":[\"c2\",\"c3\"],\"nextCursor\":null}");

        assertThat(SegmentAnswers.members(3, local, List.of(other)))
            .isEqualTo(json("{\"members\":[\"c1\",\"c2\",\"c3\"],\"nextCursor\":\"c3\"}"));
        assertThat(SegmentAnswers.members(5, local, List.of(other)))
            .isEqualTo(json("{\"members\":[\"c1\",\"c2\",\"c3\",\"c4\",\"c6\"],\"nextCursor\":\"c6\"}"));
    }

    @Test
    void shouldEndTheListingOnlyWhenNoInstanceHasMore() throws Exception {
        final ObjectNode local = json("{\"members\":[\"c7\"],\"nextCursor\":null}");
        final JsonNode other = json("{\"members\":[\"c8\"],\"nextCursor\":null}");
        final JsonNode empty = json("{\"members\":[],\"nextCursor\":null}");

        assertThat(SegmentAnswers.members(2, local, List.of(other, empty)))
            .isEqualTo(json("{\"members\":[\"c7\",\"c8\"],\"nextCursor\":null}"));
        assertThat(SegmentAnswers.members(2, json("{\"members\":[],\"nextCursor\":null}"), List.of()))
            .isEqualTo(json("{\"members\":[],\"nextCursor\":null}"));
    }

    @Test
    void shouldSumPreviewSizesAndKeepTheSmallestSampledIds() throws Exception {
        final ObjectNode local = json("{\"size\":3,\"sample\":[\"c5\",\"c6\"]}");
        final JsonNode other = json("{\"size\":4,\"sample\":[\"c1\",\"c9\"]}");

        assertThat(SegmentAnswers.preview(3, local, List.of(other)).toString())
            .isEqualTo("{\"size\":7,\"sample\":[\"c1\",\"c5\",\"c6\"]}");
    }

    private static ObjectNode json(final String text) throws Exception {
        return (ObjectNode) JSON.readTree(text);
    }
}
