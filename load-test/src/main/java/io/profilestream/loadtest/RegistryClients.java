package io.profilestream.loadtest;

import io.profilestream.registry.SchemaRegistryClient;

/**
 * Where the load-test tools get their schema registry client from.
 */
public final class RegistryClients {

    private RegistryClients() {
    }

    /**
     * A client for the Confluent-compatible schema registry at the given URL (or comma-separated URLs).
     *
     * @throws UnsupportedOperationException until the engine's REST registry client is wired in here
     */
    public static SchemaRegistryClient forUrl(final String urls) {
        throw new UnsupportedOperationException("The load generator cannot talk to a schema registry over HTTP yet: "
            + "the REST schema registry client is not wired into RegistryClients.forUrl.");
    }
}
