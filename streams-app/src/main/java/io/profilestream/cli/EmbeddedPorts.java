package io.profilestream.cli;

import picocli.CommandLine.Option;

/**
 * The ports of the in-process broker and schema registry, shared by {@code run --embedded} and the demo.
 */
public final class EmbeddedPorts {

    @Option(names = "--kafka-port", paramLabel = "PORT", defaultValue = "9092",
        description = "Embedded broker port (default: ${DEFAULT-VALUE}).")
    private int kafkaPort;

    @Option(names = "--registry-port", paramLabel = "PORT", defaultValue = "8081",
        description = "Embedded schema registry port (default: ${DEFAULT-VALUE}).")
    private int registryPort;

    public int kafkaPort() {
        return kafkaPort;
    }

    public int registryPort() {
        return registryPort;
    }
}
