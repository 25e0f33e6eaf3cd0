package io.profilestream.net;

/**
 * A TCP port that ProfileStream must listen on is already taken on 127.0.0.1.
 * The message is one line that names the port and the flag or setting that chooses another one.
 */
public final class PortInUseException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int port;

    public PortInUseException(final int port,
                              final String choice,
                              final Throwable cause) {
        super("Port " + port + " is already in use; choose another with " + choice + ".", cause);
        this.port = port;
    }

    public int port() {
        return port;
    }
}
