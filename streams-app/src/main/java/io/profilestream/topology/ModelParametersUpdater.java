package io.profilestream.topology;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import io.profilestream.profile.ModelParameters;

/**
 * Keeps the global {@code model-parameters-store} equal to the compacted {@code model-parameters} topic.
 */
final class ModelParametersUpdater implements Processor<String, ModelParameters, Void, Void> {

    private KeyValueStore<String, ModelParameters> store;

    @Override
    public void init(final ProcessorContext<Void, Void> context) {
        store = context.getStateStore(Stores.MODEL_PARAMETERS);
    }

    @Override
    public void process(final Record<String, ModelParameters> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            store.delete(record.key());
        } else {
            store.put(record.key(), record.value());
        }
    }
}
