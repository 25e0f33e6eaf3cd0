package io.profilestream.loadtest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The parts of {@code bench --only scale} that need no broker: its option and the customers it looks up.
 */
class ScaleRunTest {

    @Test
    void shouldLookUpDistinctCustomersSpreadOverTheWholePopulation() {
        final List<String> sample = ScaleRun.sample(5_000_000, 100_000);

        assertThat(sample).hasSize(100_000).doesNotHaveDuplicates()
            .startsWith("s-000000001", "s-000000051").endsWith("s-004999951");
        assertThat(ScaleRun.sample(3, 100_000)).containsExactly("s-000000001", "s-000000002", "s-000000003");
    }

    @Test
    void shouldRefuseNoProfilesBeforeStartingAnything(@TempDir final Path out) {
        final StringWriter err = new StringWriter();

        final int exit = new CommandLine(new BenchCommand()).setErr(new PrintWriter(err))
            .execute("--only", "Scale", "--profiles", "0", "--out", out.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("--profiles must be positive.");
        assertThat(out.resolve("work")).doesNotExist();
        assertThat(new BenchCommand.ScopeConverter().convert("scale")).isEqualTo(Bench.Scope.SCALE);
    }
}
