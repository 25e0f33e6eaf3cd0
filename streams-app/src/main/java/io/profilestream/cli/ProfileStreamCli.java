package io.profilestream.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import io.profilestream.app.EmbeddedRuntime;
import io.profilestream.app.ProfileStreamApp;
import io.profilestream.app.StartupException;
import io.profilestream.config.ConfigException;
import io.profilestream.config.ProfileStreamConfig;
import io.profilestream.net.PortInUseException;

/**
 * The {@code profilestream} command line.
 */
@Command(name = "profilestream",
    mixinStandardHelpOptions = true,
    versionProvider = ProfileStreamCli.Version.class,
    description = "Real-time customer profile engine on Kafka Streams.",
    subcommands = {ProfileStreamCli.Run.class, ModelCommand.class})
public final class ProfileStreamCli {

    /** Exit code for configuration and start-up errors. */
    static final int EXIT_CONFIG = 2;

    private ProfileStreamCli() {
    }

    public static void main(final String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        final CommandLine commandLine = new CommandLine(ProfileStreamCli.class);
        commandLine.setExecutionExceptionHandler((error, cmd, parsed) -> {
            if (error instanceof ConfigException || error instanceof StartupException
                || error instanceof PortInUseException) {
                cmd.getErr().println("profilestream: " + error.getMessage());
                return EXIT_CONFIG;
            }
            throw error;
        });
        return commandLine;
    }

    /**
     * {@code profilestream run}: against an existing cluster, or everything embedded.
     */
    @Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs the engine until interrupted (Ctrl-C stops it cleanly).",
            "Configuration order: built-in defaults, --config FILE, PROFILESTREAM_* environment variables, flags."})
    static final class Run implements Callable<Integer> {

        @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file with engine and Kafka settings.")
        private Path configFile;

        @Option(names = "--embedded",
            description = "Start a Kafka broker and a schema registry in-process on 127.0.0.1 first.")
        private boolean embedded;

        @Mixin
        private EmbeddedPorts ports;

        @Option(names = "--http-port", paramLabel = "PORT", description = "HTTP API port (default 8080).")
        private Integer httpPort;

        @Option(names = "--work-dir", paramLabel = "DIR",
            description = "Directory for state and embedded broker data (default .profilestream).")
        private Path workDir;

        @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE",
            description = "Any configuration key, Kafka settings included; may be repeated.")
        private Map<String, String> settings = new LinkedHashMap<>();

        @Override
        public Integer call() throws InterruptedException {
            final ProfileStreamConfig config = ProfileStreamConfig.load(configFile, System.getenv(), flags());
            final AutoCloseable running;
            if (embedded) {
                final EmbeddedRuntime runtime = EmbeddedRuntime.start(config, ports.kafkaPort(), ports.registryPort());
                running = runtime;
                System.err.printf("ProfileStream is running (embedded). Kafka: %s  Schema registry: %s%n"
                        + "  Profiles: http://localhost:%d/api/v1/profiles/<id>%n"
                        + "  Metrics:  http://localhost:%d/metrics%n",
                    runtime.bootstrapServers(), runtime.registryUrl(), runtime.app().httpPort(),
                    runtime.app().httpPort());
            } else {
                final ProfileStreamApp app = ProfileStreamApp.start(config, ProfileStreamApp.registryClient(config));
                running = app;
                System.err.printf("ProfileStream is running. Metrics: http://localhost:%d/metrics%n", app.httpPort());
            }
            UntilShutdown.await(running, "profilestream");
            return 0;
        }

        private Map<String, String> flags() {
            final Map<String, String> flags = new HashMap<>(settings);
            if (httpPort != null) {
                flags.put("http.port", Integer.toString(httpPort));
            }
            if (workDir != null) {
                flags.put("work.dir", workDir.toString());
            }
            return flags;
        }
    }

    /**
     * Reports the version from the jar manifest.
     */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            final String version = ProfileStreamCli.class.getPackage().getImplementationVersion();
            return new String[] {"profilestream " + (version == null ? "development build" : version)};
        }
    }
}
