package io.profilestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

class ProfileStreamCliTest {

    @TempDir
    Path dir;

    @Test
    void shouldRefuseATakenPortWithOneLineNamingTheFlag() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            final StringWriter err = new StringWriter();
            final CommandLine cli = ProfileStreamCli.commandLine();
            cli.setErr(new PrintWriter(err));
            final int exit = cli.execute("run", "--embedded", "--work-dir", dir.toString(),
                "--kafka-port", Integer.toString(taken.getLocalPort()));
            assertThat(exit).isEqualTo(ProfileStreamCli.EXIT_CONFIG);
            assertThat(err.toString().strip()).isEqualTo("profilestream: Port " + taken.getLocalPort()
                + " is already in use; choose another with --kafka-port.");
        }
    }

    @Test
    void shouldReportAnInvalidSettingWithoutAStackTrace() {
        final StringWriter err = new StringWriter();
        final CommandLine cli = ProfileStreamCli.commandLine();
        cli.setErr(new PrintWriter(err));
        final int exit = cli.execute("run", "--set", "time.mode=sometimes", "--set", "bootstrap.servers=127.0.0.1:1");
        assertThat(exit).isEqualTo(ProfileStreamCli.EXIT_CONFIG);
        assertThat(err.toString().strip())
            .isEqualTo("profilestream: time.mode must be wall-clock or event-time, not 'sometimes'.");
    }
}
