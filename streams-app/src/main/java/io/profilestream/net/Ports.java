package io.profilestream.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;

/**
 * Checks and picks TCP ports on the loopback address 127.0.0.1.
 * A port found free here can still be taken by another process before it is bound again.
 */
public final class Ports {

    /** The only address that ProfileStream's embedded servers listen on. */
    public static final String LOOPBACK = "127.0.0.1";

    private Ports() {
    }

    /**
     * Fails with a one-line message when 127.0.0.1:port cannot be bound.
     *
     * @param port the port to check, 1 to 65535
     * @param flag the command-line flag that chooses another port, for example {@code --kafka-port}
     * @throws PortInUseException when the port is taken
     */
    public static void requireFree(final int port,
                                   final String flag) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("Port " + port + " is not between 1 and 65535; choose another with "
                + flag + ".");
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(loopback(), port));
        } catch (final IOException e) {
            throw new PortInUseException(port, flag, e);
        }
    }

    /**
     * Returns a port that was free on 127.0.0.1 a moment ago, as chosen by the operating system.
     *
     * @return a free port
     */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(loopback(), 0));
            return socket.getLocalPort();
        } catch (final IOException e) {
            throw new UncheckedIOException("No free port could be found on " + LOOPBACK + ".", e);
        }
    }

    static InetAddress loopback() {
        try {
            return InetAddress.getByAddress(LOOPBACK, new byte[] {127, 0, 0, 1});
        } catch (final UnknownHostException e) {
            throw new IllegalStateException("The loopback address could not be built.", e);
        }
    }
}
