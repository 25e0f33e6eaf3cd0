package io.profilestream.loadtest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

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
    void shouldReadTheScopeInAnyCase() {
        assertThat(new BenchCommand.ScopeConverter().convert("engine")).isEqualTo(Bench.Scope.ENGINE);
        assertThat(new BenchCommand.ScopeConverter().convert("ALL")).isEqualTo(Bench.Scope.ALL);
    }
}
