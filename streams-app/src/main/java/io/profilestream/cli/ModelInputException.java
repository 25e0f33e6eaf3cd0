package io.profilestream.cli;

/**
 * Input that the model commands cannot use; the message names the file, line and column.
 */
final class ModelInputException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    ModelInputException(final String message) {
        super(message);
    }
}
