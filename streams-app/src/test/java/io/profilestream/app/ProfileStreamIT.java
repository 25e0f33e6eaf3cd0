package io.profilestream.app;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

import io.profilestream.testing.KafkaClusterExtension;

/**
 * The end-to-end assertions of {@link AbstractProfileStreamIT} on an in-process KRaft broker and the embedded
 * registry, started once for the class; every test has its own application id, topics and state directory on them.
 */
@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class ProfileStreamIT extends AbstractProfileStreamIT {
}
