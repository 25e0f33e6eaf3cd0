package io.profilestream.query;

import io.profilestream.profile.CustomerProfile;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.Collection;

/**
 * The part of {@link KafkaStreams} that interactive queries use, so their decisions can be tested without a broker.
 */
interface QueryableStreams {

    KafkaStreams.State state();

    KeyQueryMetadata queryMetadataForKey(String storeName, String key);

    ReadOnlyKeyValueStore<String, CustomerProfile> store(String storeName);

    Collection<StreamsMetadata> metadataForAllStreamsClients();

    static QueryableStreams of(final KafkaStreams streams) {
        final Serializer<String> keySerializer = Serdes.String().serializer();
        return new QueryableStreams() {
            @Override
            public KafkaStreams.State state() {
                return streams.state();
            }

            @Override
            public KeyQueryMetadata queryMetadataForKey(final String storeName, final String key) {
                return streams.queryMetadataForKey(storeName, key, keySerializer);
            }

            @Override
            public ReadOnlyKeyValueStore<String, CustomerProfile> store(final String storeName) {
                return streams.store(StoreQueryParameters.fromNameAndType(
                    storeName,
                    QueryableStoreTypes.<String, CustomerProfile>keyValueStore()));
            }

            @Override
            public Collection<StreamsMetadata> metadataForAllStreamsClients() {
                return streams.metadataForAllStreamsClients();
            }
        };
    }
}
