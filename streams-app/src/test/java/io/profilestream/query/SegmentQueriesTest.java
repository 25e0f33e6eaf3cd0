package io.profilestream.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;

import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

import io.profilestream.domain.ProfileAggregator;
import io.profilestream.profile.DefinitionKind;
import io.profilestream.profile.SegmentDefinition;
import io.profilestream.topology.Stores;

class SegmentQueriesTest {

    private static final Duration RETRY_AFTER = Duration.ofSeconds(4);

    private final FakeStreams streams = new FakeStreams(new HostInfo("10.0.0.1", 8080));
    private final SegmentQueries queries = new SegmentQueries(streams, RETRY_AFTER);

    @Test
    void shouldListDefinitionsInIdOrderAndFindOneById() {
        streams.put(Stores.SEGMENT_DEFINITIONS, "vip", definition("vip"));
        streams.put(Stores.SEGMENT_DEFINITIONS, "churn", definition("churn"));

        assertThat(queries.definitions()).extracting(SegmentDefinition::getId).containsExactly("churn", "vip");
        assertThat(queries.definition("vip")).hasValue(definition("vip"));
        assertThat(queries.definition("nobody")).isEmpty();
    }

    @Test
    void shouldSumBackfillProgressOverTheTasksOfThisInstance() {
        streams.partition(Stores.SEGMENT_BACKFILL).putAll(Map.of("big", "RUNNING;2;5;10;c5", "small", "DONE;1;3;3;c3"));
        streams.partition(Stores.SEGMENT_BACKFILL).put("big", "DONE;2;7;7;c;with;semicolons");

        final Map<String, BackfillProgress> progress = queries.backfills();

        assertThat(progress).containsOnlyKeys("big", "small");
        assertThat(progress.get("big")).isEqualTo(new BackfillProgress(true, 12, 17));
        assertThat(progress.get("small")).isEqualTo(new BackfillProgress(false, 3, 3));
    }

    @Test
    void shouldPageMembersInIdOrderAcrossPartitions() {
        final NavigableMap<String, Object> first = streams.partition(Stores.SEGMENT_MEMBERS);
        final NavigableMap<String, Object> second = streams.partition(Stores.SEGMENT_MEMBERS);
        for (final String id : List.of("c1", "c4", "c5")) {
            first.put("big" + Stores.KEY_SEPARATOR + id, new byte[0]);
        }
        for (final String id : List.of("c2", "c3")) {
            second.put("big" + Stores.KEY_SEPARATOR + id, new byte[0]);
        }
        second.put("bigger" + Stores.KEY_SEPARATOR + "c0", new byte[0]);

        final MemberPage firstPage = queries.members("big", null, 3);
        final MemberPage secondPage = queries.members("big", firstPage.nextCursor(), 3);

        assertThat(firstPage).isEqualTo(new MemberPage(List.of("c1", "c2", "c3"), "c3"));
        assertThat(secondPage).isEqualTo(new MemberPage(List.of("c4", "c5"), null));
        assertThat(queries.members("big", "", 5).members()).containsExactly("c1", "c2", "c3", "c4", "c5");
    }

    @Test
    void shouldCountEveryMatchingProfileAndSampleTheFirstFew() {
        for (final String id : List.of("c1", "c2", "c3", "c4", "x1")) {
            streams.put(Stores.PROFILES, id, ProfileAggregator.newProfile(id));
        }

        final SegmentPreview preview = queries.preview(profile -> profile.getProfileId().startsWith("c"), 2);

        assertThat(preview).isEqualTo(new SegmentPreview(4, List.of("c1", "c2")));
    }

    @Test
    void shouldBeUnavailableWhileTheStoresCannotBeQueried() {
        streams.storeFailure = new InvalidStateStoreException("The state store may have migrated.");

        assertThatThrownBy(queries::definitions)
            .isInstanceOf(QueryUnavailableException.class)
            .satisfies(e -> assertThat(((QueryUnavailableException) e).retryAfter()).isEqualTo(RETRY_AFTER));
        assertThatThrownBy(() -> queries.members("big", null, 10)).isInstanceOf(QueryUnavailableException.class);
        assertThatThrownBy(queries::backfills).isInstanceOf(QueryUnavailableException.class);
    }

    private static SegmentDefinition definition(final String id) {
        return SegmentDefinition.newBuilder()
            .setId(id)
            .setName(id)
            .setDescription("")
            .setKind(DefinitionKind.SEGMENT)
            .setExpression("profile.transactions.orders >= 1")
            .setPriority(0)
            .setEnabled(true)
            .setVersion(1)
            .setUpdatedAt(Instant.parse("2026-03-01T10:00:00Z"))
            .build();
    }
}
