package io.profilestream.http;

/**
 * Thrown when the HTTP server cannot listen because another process already uses its port.
 * The message is one line meant for the operator.
 */
public class PortInUseException extends RuntimeException {

    private final int port;

    public PortInUseException(final int port, final Throwable cause) {
        super("Port " + port + " is already in use; choose another with --http-port.", cause);
        this.port = port;
    }

    /**
     * The port that was asked for.
     */
    public int port() {
        return port;
    }
}
