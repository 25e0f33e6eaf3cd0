package io.profilestream.models;

/**
 * A model could not be fitted: the data cannot identify it, or the optimiser found no finite likelihood.
 */
public final class ModelFitException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ModelFitException(final String message) {
        super(message);
    }
}
