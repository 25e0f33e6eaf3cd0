package io.profilestream.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.profilestream.models.BgNbdFit;
import io.profilestream.models.BgNbdParameters;
import io.profilestream.models.GammaGammaFit;
import io.profilestream.models.GammaGammaParameters;
import io.profilestream.models.ModelTimeUnit;
import io.profilestream.profile.ModelParameters;

/**
 * The {@code model-parameters} records of a fit, one per model keyed by the model's name, with their provenance: when
 * they were fitted, on how many customers, and the log-likelihood. {@code model fit --publish} and the engine's own fit
 * write the same records.
 */
public final class ModelParameterRecords {

    private ModelParameterRecords() {
    }

    /** The BG/NBD record; alpha is in {@code unit}. */
    public static ModelParameters bgNbd(final BgNbdFit fit, final ModelTimeUnit unit, final Instant fittedAt) {
        return ModelParameters.newBuilder().setModel(BgNbdParameters.MODEL_NAME)
            .setParameters(fit.parameters().toMap()).setLogLikelihood(fit.logLikelihood())
            .setTimeUnit(unit.configName()).setFittedAt(fittedAt).setSampleSize(fit.customers())
            .build();
    }

    /** The Gamma-Gamma record; gamma is in the currency unit of the values fitted (minor units in the engine). */
    public static ModelParameters gammaGamma(final GammaGammaFit fit, final ModelTimeUnit unit, final Instant fittedAt) {
        return ModelParameters.newBuilder().setModel(GammaGammaParameters.MODEL_NAME)
            .setParameters(fit.parameters().toMap()).setLogLikelihood(fit.logLikelihood())
            .setTimeUnit(unit.configName()).setFittedAt(fittedAt).setSampleSize(fit.customers())
            .build();
    }

    /** Both records, the second only when there is a Gamma-Gamma fit. */
    public static List<ModelParameters> of(final BgNbdFit bgNbd,
                                           final GammaGammaFit gammaGamma,
                                           final ModelTimeUnit unit,
                                           final Instant fittedAt) {
        final List<ModelParameters> records = new ArrayList<>();
        records.add(bgNbd(bgNbd, unit, fittedAt));
        if (gammaGamma != null) {
            records.add(gammaGamma(gammaGamma, unit, fittedAt));
        }
        return records;
    }
}
