package io.profilestream.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

import org.junit.jupiter.api.Test;

class PortsTest {

    @Test
    void shouldRejectAnOccupiedPortWithAOneLineMessageNamingTheFlag() throws IOException {
        try (ServerSocket occupied = new ServerSocket()) {
            occupied.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            final int port = occupied.getLocalPort();

            assertThatThrownBy(() -> Ports.requireFree(port, "--kafka-port"))
                .isInstanceOf(PortInUseException.class)
                .hasMessage("Port " + port + " is already in use; choose another with --kafka-port.")
                .satisfies(e -> assertThat(((PortInUseException) e).port()).isEqualTo(port));
        }
    }

    @Test
    void shouldNameTheFlagThatItIsGiven() throws IOException {
        try (ServerSocket occupied = new ServerSocket()) {
            occupied.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            final int port = occupied.getLocalPort();

            assertThatThrownBy(() -> Ports.requireFree(port, "--http-port"))
                .hasMessage("Port " + port + " is already in use; choose another with --http-port.");
        }
    }

    @Test
    void shouldAcceptAFreePort() {
        final int port = Ports.freePort();

        assertThatCode(() -> Ports.requireFree(port, "--kafka-port")).doesNotThrowAnyException();
    }

    @Test
    void shouldPickAPortThatCanBeBoundOnLoopback() throws IOException {
        final int port = Ports.freePort();

        assertThat(port).isBetween(1, 65535);
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            assertThat(socket.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void shouldRejectAPortOutOfRange() {
        assertThatThrownBy(() -> Ports.requireFree(70000, "--kafka-port"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("Port 70000 is not between 1 and 65535; choose another with --kafka-port.");
    }
}
