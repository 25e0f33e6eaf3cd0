package io.profilestream.loadtest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short chaos run of the suite: two engine JVMs, three SIGKILLs with restarts and one broker restart while a
 * known population streams in; nothing may be lost, duplicated or out of sequence, and no engine may exit by itself.
 */
@Tag("integration")
class ChaosIT {

    @Test
    void shouldKeepEveryProfileAndChangeExactlyOnceThroughKillsAndABrokerRestart(@TempDir final Path out)
        throws Exception {
        final List<String> progress = new ArrayList<>();
        final Chaos.Result result = new Chaos(new Chaos.Options(2, 3, 100, 4, 11L, out), progress::add).run();

        assertThat(result.kills()).isEqualTo(3);
        assertThat(result.brokerRestarts()).isEqualTo(1);
        assertThat(result.check().profilesChecked()).isGreaterThanOrEqualTo(100);
        assertThat(result.check().changesRead()).isPositive();
        assertThat(result.check().examples()).as(String.join("\n", progress)).isEmpty();
        assertThat(result.clean()).isTrue();
        assertThat(progress).anyMatch(line -> line.contains("SIGKILL to engine-"));

        final JsonNode json = new ObjectMapper().readTree(
            Files.readString(out.resolve("chaos.json"), StandardCharsets.UTF_8));
        assertThat(json.get("kills").asInt()).isEqualTo(3);
        assertThat(json.get("broker_restarts").asInt()).isEqualTo(1);
        assertThat(json.get("events_sent").asLong()).isEqualTo(result.eventsSent()).isPositive();
        for (final String count : List.of("profile_mismatches", "duplicate_change_ids", "sequence_violations",
            "membership_mismatches")) {
            assertThat(json.get(count).asLong()).as(count).isZero();
        }
    }
}
