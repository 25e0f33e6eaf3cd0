package io.profilestream.cli;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import picocli.CommandLine.Model.CommandSpec;

import io.profilestream.models.BgNbdFit;
import io.profilestream.models.CustomerSummary;
import io.profilestream.models.GammaGammaFit;

/**
 * Writes what the model subcommands print: the fit as JSON, customer summaries as CSV, warnings on stderr.
 * Numbers keep their full double precision.
 */
final class ModelOutput {

    private ModelOutput() {
    }

    /** The JSON printed by {@code model fit}. */
    static String fitJson(final BgNbdFit bgnbd, final GammaGammaFit gammaGamma) {
        final Map<String, Object> root = new LinkedHashMap<>();
        final Map<String, Object> b = new LinkedHashMap<>(bgnbd.parameters().toMap());
        b.put("log_likelihood", bgnbd.logLikelihood());
        root.put("bgnbd", b);
        if (gammaGamma != null) {
            final Map<String, Object> g = new LinkedHashMap<>(gammaGamma.parameters().toMap());
            g.put("log_likelihood", gammaGamma.logLikelihood());
            root.put("gamma_gamma", g);
        }
        try {
            return new ObjectMapper().writeValueAsString(root);
        } catch (final JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the fit as JSON", e);
        }
    }

    /** The CSV printed by {@code model summarize}: a header {@code id,x,t_x,T,m} and one line per customer. */
    static String summariesCsv(final Map<String, CustomerSummary> summaries) {
        final StringBuilder text = new StringBuilder("id,x,t_x,T,m\n");
        for (final Map.Entry<String, CustomerSummary> customer : summaries.entrySet()) {
            final CustomerSummary summary = customer.getValue();
            text.append(CsvTable.quote(customer.getKey())).append(',').append(summary.x())
                .append(',').append(CsvTable.format(summary.tx()))
                .append(',').append(CsvTable.format(summary.t()))
                .append(',').append(CsvTable.format(summary.m())).append('\n');
        }
        return text.toString();
    }

    /** Warns on stderr when a model's estimate lies on a bound of the search box. */
    static void warnAtBound(final CommandSpec spec, final String model, final boolean atBound) {
        if (atBound) {
            spec.commandLine().getErr().println("profilestream: warning: a " + model + " estimate lies on a bound of "
                + "the search box; the model may not describe this data (see docs/models.md).");
            spec.commandLine().getErr().flush();
        }
    }
}
