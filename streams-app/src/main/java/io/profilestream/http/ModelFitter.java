package io.profilestream.http;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.javalin.Javalin;
import io.javalin.http.HttpStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.profilestream.domain.Evaluators;
import io.profilestream.domain.ModelParameterRecords;
import io.profilestream.models.BgNbdFit;
import io.profilestream.models.BgNbdParameters;
import io.profilestream.models.CustomerSummaries;
import io.profilestream.models.GammaGammaFit;
import io.profilestream.models.GammaGammaParameters;
import io.profilestream.models.ModelFitException;
import io.profilestream.models.ModelRefit;
import io.profilestream.models.ModelTimeUnit;
import io.profilestream.profile.ModelParameters;
import io.profilestream.query.InstanceInfo;
import io.profilestream.query.ModelSummaries;

/**
 * The engine's own fit of BG/NBD and Gamma-Gamma: every instance summarises the customers of the partitions it owns
 * as of one instant, the instance that was asked gathers the summaries of all (like the cluster-wide segment reads),
 * fits, and publishes the parameters to {@code model-parameters}, from which every instance scores.
 * An operator's fit ({@link #fit}) uses every customer; the scheduled refit ({@link #refit}) holds a slice out and
 * keeps the parameters in use unless the new ones converge and do at least as well on it (see {@link ModelRefit}).
 */
public final class ModelFitter {

    /** Path of the fit an operator asks for. */
    static final String FIT_PATH = "/api/v1/models/fit";
    /** Path of one instance's summaries, read by the instance that fits. */
    static final String SUMMARIES_PATH = "/api/v1/models/summaries";
    /** Path of one instance's now, read by the instance that fits. */
    static final String NOW_PATH = "/api/v1/models/now";

    private static final Logger LOG = LoggerFactory.getLogger(ModelFitter.class);

    private final ModelSummaries local;
    private final ClusterFanOut cluster;
    private final Supplier<Instant> now;
    private final Evaluators evaluators;
    private final Function<String, ModelParameters> published;
    private final Publisher publisher;
    private final Clock clock;
    private final long minCustomers;
    private final MeterRegistry meters;

    /** Writes records to {@code model-parameters}, keyed by model name, and waits until the broker has them. */
    @FunctionalInterface
    public interface Publisher {
        void publish(ModelParameters record);
    }

    /**
     * Creates the fitter.
     *
     * @param local this instance's summaries
     * @param forwarding reaches the other instances; null for a single instance
     * @param instances every instance of the application, this one included
     * @param now the engine's now (wall clock or event time)
     * @param evaluators the engine's time unit and default parameters
     * @param published the parameters in use by model name, null when none was published
     * @param publisher writes to {@code model-parameters}
     * @param clock stamps {@code fittedAt}
     * @param minCustomers the fewest customers a scheduled refit is made on
     * @param meters where {@code profilestream.model.fits} is counted
     */
    public ModelFitter(final ModelSummaries local,
                       final ForwardingClient forwarding,
                       final Supplier<List<InstanceInfo>> instances,
                       final Supplier<Instant> now,
                       final Evaluators evaluators,
                       final Function<String, ModelParameters> published,
                       final Publisher publisher,
                       final Clock clock,
                       final long minCustomers,
                       final MeterRegistry meters) {
        this.local = Objects.requireNonNull(local, "local");
        this.cluster = forwarding == null ? null : new ClusterFanOut(forwarding, instances);
        this.now = now;
        this.evaluators = evaluators;
        this.published = published;
        this.publisher = publisher;
        this.clock = clock;
        this.minCustomers = minCustomers;
        this.meters = meters;
    }

    /**
     * Summaries gathered across the cluster.
     *
     * @param summaries every answering instance's summaries, merged
     * @param instances how many instances they cover, this one included
     */
    record Gathered(ModelSummaries.Split summaries, int instances) {
    }

    /**
     * A fit asked for by an operator.
     *
     * @param outcome the models fitted (and published)
     * @param instances how many instances' customers it covers, this one included
     */
    public record Fitted(ModelRefit.Outcome outcome, int instances) {
    }

    /**
     * Fits both models on every customer with a purchase in the cluster and publishes them.
     *
     * @throws ModelFitException when there is nothing to fit or the optimiser did not converge
     */
    public synchronized Fitted fit() {
        final Gathered gathered = gather();
        final ModelRefit.Outcome outcome = ModelRefit.fit(gathered.summaries().all(), 1);
        if (!outcome.bgNbd().publish()) {
            count("not_converged");
            throw new ModelFitException("The BG/NBD fit did not converge; nothing was "
                + "published.");
        }
        publish(outcome, "asked for");
        return new Fitted(outcome, gathered.instances());
    }

    /**
     * The scheduled refit: fitted without the held-out slice, each model published only when it passes the
     * guardrails.
     *
     * @return what was decided; a refused model's reason is logged
     */
    public synchronized ModelRefit.Outcome refit() {
        final ModelSummaries.Split summaries = gather().summaries();
        final ModelParameters bgNbdInUse = published.apply(BgNbdParameters.MODEL_NAME);
        final ModelParameters spendInUse = published.apply(GammaGammaParameters.MODEL_NAME);
        final BgNbdParameters currentBgNbd = bgNbdInUse == null
            ? evaluators.defaultBgNbd()
            : evaluators.inEngineUnit(BgNbdParameters.fromMap(bgNbdInUse.getParameters()),
                ModelTimeUnit.parse(bgNbdInUse.getTimeUnit()));
        final GammaGammaParameters currentSpend = spendInUse == null
            ? evaluators.defaultGammaGamma()
            : GammaGammaParameters.fromMap(spendInUse.getParameters());
        final ModelRefit.Outcome outcome = ModelRefit.refit(summaries.training(), summaries.holdout(), currentBgNbd,
            currentSpend, minCustomers);
        publish(outcome, "scheduled");
        return outcome;
    }

    private void publish(final ModelRefit.Outcome outcome, final String cause) {
        final Instant fittedAt = clock.instant();
        final ModelTimeUnit unit = evaluators.unit();
        if (outcome.bgNbd().publish()) {
            publisher.publish(ModelParameterRecords.bgNbd(outcome.bgNbd().fit(), unit, fittedAt));
            count("published");
            LOG.info("Published BG/NBD parameters fitted on {} customers ({}).", outcome.bgNbd().fit().customers(),
                cause);
        } else {
            count("kept");
            LOG.warn("Kept the BG/NBD parameters in use ({} fit): {}.", cause, outcome.bgNbd().reason());
        }
        if (outcome.gammaGamma().publish()) {
            publisher.publish(ModelParameterRecords.gammaGamma(outcome.gammaGamma().fit(), unit, fittedAt));
            LOG.info("Published Gamma-Gamma parameters fitted on {} customers ({}).",
                outcome.gammaGamma().fit().customers(), cause);
        } else {
            LOG.warn("Kept the Gamma-Gamma parameters in use ({} fit): {}.", cause, outcome.gammaGamma().reason());
        }
    }

    /**
     * Adds {@code POST /api/v1/models/fit} (admin key), and this instance's {@code GET /api/v1/models/summaries} and
     * {@code GET /api/v1/models/now} ({@code {"now": epoch milliseconds}}).
     */
    public void register(final Javalin app) {
        app.post(FIT_PATH, ctx -> {
            try {
                final Fitted fitted = fit();
                ctx.header(ClusterFanOut.INSTANCES_HEADER, Integer.toString(fitted.instances()));
                ctx.json(answer(fitted.outcome()));
            } catch (final ModelFitException e) {
                Responses.error(ctx, HttpStatus.UNPROCESSABLE_CONTENT.getCode(), e.getMessage());
            }
        });
        app.get(SUMMARIES_PATH, ctx -> {
            final Long asOf = ctx.queryParamAsClass("asOf", Long.class).allowNullable().get();
            ctx.json(localJson(asOf == null ? now.get() : Instant.ofEpochMilli(asOf)));
        });
        app.get(NOW_PATH, ctx -> ctx.json(JsonNodeFactory.instance.objectNode().put("now", now.get().toEpochMilli())));
    }

    /**
     * Every instance's summaries as of the cluster's now: the latest of the instances' nows.
     * In event-time mode an instance's now is the highest event time of its own partitions, so the instance asked may
     * be behind another; the fit must not depend on which instance is asked.
     */
    Gathered gather() {
        Instant asOf = now.get();
        if (cluster != null) {
            for (final JsonNode answer : cluster.gather("GET", NOW_PATH, null)) {
                final Instant other = Instant.ofEpochMilli(answer.get("now").asLong());
                asOf = other.isAfter(asOf) ? other : asOf;
            }
        }
        ModelSummaries.Split all = local.summarize(asOf, evaluators.unit());
        int instances = 1;
        if (cluster != null) {
            for (final JsonNode answer : cluster.gather("GET", SUMMARIES_PATH + "?asOf=" + asOf.toEpochMilli(),
                null)) {
                all = all.plus(new ModelSummaries.Split(rows(answer.get("training")), rows(answer.get("holdout"))));
                instances++;
            }
        }
        return new Gathered(all, instances);
    }

    /** This instance's summaries as JSON: {@code {"training": [[x, t_x, T, m, weight], ...], "holdout": [...]}}. */
    ObjectNode localJson(final Instant asOf) {
        final ModelSummaries.Split split = local.summarize(asOf, evaluators.unit());
        final ObjectNode json = JsonNodeFactory.instance.objectNode();
        write(json.putArray("training"), split.training());
        write(json.putArray("holdout"), split.holdout());
        return json;
    }

    /** The answer of the fit endpoint. */
    static ObjectNode answer(final ModelRefit.Outcome outcome) {
        final ObjectNode json = JsonNodeFactory.instance.objectNode();
        final BgNbdFit bgNbd = outcome.bgNbd().fit();
        final ObjectNode b = json.putObject("bgnbd");
        bgNbd.parameters().toMap().forEach(b::put);
        b.put("log_likelihood", bgNbd.logLikelihood());
        b.put("customers", bgNbd.customers());
        final GammaGammaFit spend = outcome.gammaGamma().fit();
        if (spend == null) {
            json.putNull("gamma_gamma");
        } else {
            final ObjectNode g = json.putObject("gamma_gamma");
            spend.parameters().toMap().forEach(g::put);
            g.put("log_likelihood", spend.logLikelihood());
            g.put("customers", spend.customers());
        }
        return json;
    }

    private void count(final String outcome) {
        Counter.builder("profilestream.model.fits")
            .description("Fits of the customer-value models by this instance, by outcome.")
            .tag("outcome", outcome)
            .register(meters)
            .increment();
    }

    private static void write(final ArrayNode rows, final CustomerSummaries data) {
        for (int i = 0; i < data.size(); i++) {
            rows.addArray().add(data.x(i)).add(data.tx(i)).add(data.t(i)).add(data.m(i)).add(data.weight(i));
        }
    }

    private static CustomerSummaries rows(final JsonNode rows) {
        final CustomerSummaries.Builder builder = CustomerSummaries.builder();
        if (rows != null) {
            for (final JsonNode row : rows) {
                builder.add(row.get(0).asInt(), row.get(1).asDouble(), row.get(2).asDouble(), row.get(3).asDouble(),
                    row.get(4).asDouble());
            }
        }
        return builder.build();
    }
}
