package io.profilestream.loadtest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The bench's printed table and its scope option.
 */
class BenchCommandTest {

    @Test
    void shouldGroupTheTableBySectionInTheOrderSectionsAppear() {
        final Map<String, Double> results = new LinkedHashMap<>();
        results.put("throughput.engine_eos", 1.0);
        results.put("serving.lookup_rps", 2.0);
        results.put("throughput.engine_alos", 3.0);

        final String table = BenchCommand.table(results);

        assertThat(table.indexOf("throughput.engine_alos")).isLessThan(table.indexOf("serving.lookup_rps"));
        assertThat(table.indexOf("throughput.engine_eos")).isLessThan(table.indexOf("throughput.engine_alos"));
    }

    @Test
    void shouldRefuseNoProfilesBeforeStartingAnything(@TempDir final Path out) {
        final StringWriter err = new StringWriter();

        final int exit = new CommandLine(new BenchCommand()).setErr(new PrintWriter(err))
            .execute("--only", "Scale", "--profiles", "0", "--out", out.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("--profiles must be positive.");
        assertThat(out.resolve("work")).doesNotExist();
    }

    @Test
    void shouldReadTheScopeInAnyCase() {
        assertThat(new BenchCommand.ScopeConverter().convert("engine")).isEqualTo(Bench.Scope.ENGINE);
        assertThat(new BenchCommand.ScopeConverter().convert("ALL")).isEqualTo(Bench.Scope.ALL);
    }
}
