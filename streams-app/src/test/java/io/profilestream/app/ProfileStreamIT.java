package io.profilestream.app;

import java.nio.file.Path;
import java.util.Map;

/**
 * The end-to-end assertions of {@link AbstractProfileStreamIT} on an in-process KRaft broker and the embedded
 * registry; every test starts a broker and a registry of its own.
 */
class ProfileStreamIT extends AbstractProfileStreamIT {

    @Override
    EngineHarness createHarness(final Path dir) {
        return new EngineHarness(dir, Map.of());
    }
}
