package io.profilestream.embedded;

/**
 * A TCP port that ProfileStream must listen on is already taken on 127.0.0.1.
 * The message is one line that names the port and the flag that chooses another one.
 */
public final class PortInUseException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int port;

    public PortInUseException(final int port,
                              final String flag,
                              final Throwable cause) {
        super("Port " + port + " is already in use; choose another with " + flag + ".", cause);
        this.port = port;
    }

    public int port() {
        return port;
    }
}
