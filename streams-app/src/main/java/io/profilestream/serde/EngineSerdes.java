package io.profilestream.serde;

import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import io.profilestream.events.ClickEvent;
import io.profilestream.events.CustomEvent;
import io.profilestream.events.CustomerTraits;
import io.profilestream.events.EmailEvent;
import io.profilestream.events.ErasureRequest;
import io.profilestream.events.PurchaseEvent;
import io.profilestream.internal.CategoryPairs;
import io.profilestream.internal.IdentityCommand;
import io.profilestream.internal.IdentityLink;
import io.profilestream.internal.MergeRequest;
import io.profilestream.internal.ProfileMerge;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.profile.IdentityEvent;
import io.profilestream.profile.ModelParameters;
import io.profilestream.profile.SegmentChange;
import io.profilestream.profile.SegmentDefinition;
import io.profilestream.profile.SegmentSnapshot;
import io.profilestream.profile.TraitDefinition;
import io.profilestream.registry.SchemaRegistryClient;

/**
 * Every serde the engine uses, built once from one registry client and passed to whoever needs one.
 * Topic values use the registry wire format; state-store values use single-object encoding.
 */
public final class EngineSerdes {

    /**
     * Values of the internal {@code profile-events} topic: a click keyed by its profile id, a merge request, a moved
     * profile, customer traits, an erasure request, a custom event, or a purchase or email event that arrived on
     * another task's partition. {@code ClickEvent} comes first: the topic carried plain clicks
     * before identity resolution, and a union reads them; later branches are only ever appended, so an upgrade keeps
     * the records in flight readable and the schema stays BACKWARD compatible.
     */
    public static final Schema PROFILE_EVENT_SCHEMA = Schema.createUnion(List.of(ClickEvent.getClassSchema(),
        MergeRequest.getClassSchema(), ProfileMerge.getClassSchema(), CustomerTraits.getClassSchema(),
        ErasureRequest.getClassSchema(), CustomEvent.getClassSchema(), PurchaseEvent.getClassSchema(),
        EmailEvent.getClassSchema()));

    /**
     * Values of the identity task's inbox, the internal {@code identity-commands} topic, keyed by anonymous id: an
     * identity command, a click that arrived on another task's partition, or a custom event with only an anonymous id.
     * {@code IdentityCommand} comes first: the topic carried plain commands before it was the inbox, and a union reads
     * them; later branches are only ever appended, as for {@link #PROFILE_EVENT_SCHEMA}.
     */
    public static final Schema IDENTITY_INBOX_SCHEMA = Schema.createUnion(List.of(IdentityCommand.getClassSchema(),
        ClickEvent.getClassSchema(), CustomEvent.getClassSchema()));

    private final SchemaRegistryClient registry;
    private final RegistryAvroSerde<ClickEvent> click;
    private final RegistryAvroSerde<PurchaseEvent> purchase;
    private final RegistryAvroSerde<EmailEvent> email;
    private final RegistryAvroSerde<ErasureRequest> erasure;
    private final RegistryAvroSerde<CustomerProfile> profile;
    private final RegistryAvroSerde<SegmentChange> segmentChange;
    private final RegistryAvroSerde<SegmentDefinition> segmentDefinition;
    private final RegistryAvroSerde<ModelParameters> modelParameters;
    private final StoreAvroSerde<CustomerProfile> storedProfile;
    private final RegistryAvroSerde<CustomerTraits> traits;
    private final RegistryAvroSerde<IdentityEvent> identityEvent;
    private final RegistryAvroSerde<SpecificRecord> profileEvent;
    private final RegistryAvroSerde<SpecificRecord> identityInbox;
    private final StoreAvroSerde<IdentityLink> storedLink;
    private final RegistryAvroSerde<CustomEvent> customEvent;
    private final RegistryAvroSerde<TraitDefinition> traitDefinition;
    private final RegistryAvroSerde<SegmentSnapshot> segmentSnapshot;
    private final RegistryAvroSerde<CategoryPairs> categoryPairs;
    private final StoreAvroSerde<CategoryPairs> storedCategoryPairs;

    public EngineSerdes(final SchemaRegistryClient registry, final int maxRecordBytes) {
        this.registry = registry;
        this.click = new RegistryAvroSerde<>(registry, ClickEvent.class, maxRecordBytes);
        this.purchase = new RegistryAvroSerde<>(registry, PurchaseEvent.class, maxRecordBytes);
        this.email = new RegistryAvroSerde<>(registry, EmailEvent.class, maxRecordBytes);
        this.erasure = new RegistryAvroSerde<>(registry, ErasureRequest.class, maxRecordBytes);
        this.profile = new RegistryAvroSerde<>(registry, CustomerProfile.class, Integer.MAX_VALUE);
        this.segmentChange = new RegistryAvroSerde<>(registry, SegmentChange.class, Integer.MAX_VALUE);
        this.segmentDefinition = new RegistryAvroSerde<>(registry, SegmentDefinition.class, maxRecordBytes);
        this.modelParameters = new RegistryAvroSerde<>(registry, ModelParameters.class, maxRecordBytes);
        this.storedProfile = new StoreAvroSerde<>(CustomerProfile.class);
        this.traits = new RegistryAvroSerde<>(registry, CustomerTraits.class, maxRecordBytes);
        this.identityEvent = new RegistryAvroSerde<>(registry, IdentityEvent.class, Integer.MAX_VALUE);
        // Internal topics: written by the engine itself, and a merge carries a whole profile.
        this.profileEvent = new RegistryAvroSerde<>(registry, PROFILE_EVENT_SCHEMA, Integer.MAX_VALUE);
        this.identityInbox = new RegistryAvroSerde<>(registry, IDENTITY_INBOX_SCHEMA, Integer.MAX_VALUE);
        this.storedLink = new StoreAvroSerde<>(IdentityLink.class);
        this.customEvent = new RegistryAvroSerde<>(registry, CustomEvent.class, maxRecordBytes);
        this.traitDefinition = new RegistryAvroSerde<>(registry, TraitDefinition.class, maxRecordBytes);
        this.segmentSnapshot = new RegistryAvroSerde<>(registry, SegmentSnapshot.class, Integer.MAX_VALUE);
        this.categoryPairs = new RegistryAvroSerde<>(registry, CategoryPairs.class, Integer.MAX_VALUE);
        this.storedCategoryPairs = new StoreAvroSerde<>(CategoryPairs.class);
    }

    public SchemaRegistryClient registry() {
        return registry;
    }

    public Serde<String> key() {
        return Serdes.String();
    }

    public RegistryAvroSerde<ClickEvent> click() {
        return click;
    }

    public RegistryAvroSerde<PurchaseEvent> purchase() {
        return purchase;
    }

    public RegistryAvroSerde<EmailEvent> email() {
        return email;
    }

    public RegistryAvroSerde<ErasureRequest> erasure() {
        return erasure;
    }

    public RegistryAvroSerde<CustomerProfile> profile() {
        return profile;
    }

    public RegistryAvroSerde<SegmentChange> segmentChange() {
        return segmentChange;
    }

    public RegistryAvroSerde<SegmentDefinition> segmentDefinition() {
        return segmentDefinition;
    }

    public RegistryAvroSerde<ModelParameters> modelParameters() {
        return modelParameters;
    }

    public StoreAvroSerde<CustomerProfile> storedProfile() {
        return storedProfile;
    }

    /**
     * A profile's {@code profile-updates} value made from its stored bytes: the same Avro binary under the registry's
     * header, so a profile is encoded once for both; a value stored with an earlier schema is decoded and re-encoded.
     */
    public byte[] profileUpdate(final String topic, final byte[] stored) {
        if (stored == null) {
            return null;
        }
        final int body = storedProfile.currentSchemaBodyOffset(stored);
        return body < 0 ? profile.serialize(topic, storedProfile.deserialize(stored)) : profile.frame(topic, stored, body);
    }

    public RegistryAvroSerde<CustomerTraits> traits() {
        return traits;
    }

    public RegistryAvroSerde<IdentityEvent> identityEvent() {
        return identityEvent;
    }

    /** Values of the internal {@code profile-events} repartition topic; see {@link #PROFILE_EVENT_SCHEMA}. */
    public RegistryAvroSerde<SpecificRecord> profileEvent() {
        return profileEvent;
    }

    /** Values of the identity task's inbox, the {@code identity-commands} topic; see {@link #IDENTITY_INBOX_SCHEMA}. */
    public RegistryAvroSerde<SpecificRecord> identityInbox() {
        return identityInbox;
    }

    public StoreAvroSerde<IdentityLink> storedLink() {
        return storedLink;
    }

    public RegistryAvroSerde<CustomEvent> customEvent() {
        return customEvent;
    }

    public RegistryAvroSerde<TraitDefinition> traitDefinition() {
        return traitDefinition;
    }

    public RegistryAvroSerde<SegmentSnapshot> segmentSnapshot() {
        return segmentSnapshot;
    }

    /** Values of the internal {@code co-purchase} topic: one task's row of the co-purchase matrix. */
    public RegistryAvroSerde<CategoryPairs> categoryPairs() {
        return categoryPairs;
    }

    /** Values of the {@code co-purchase-counts-store}. */
    public StoreAvroSerde<CategoryPairs> storedCategoryPairs() {
        return storedCategoryPairs;
    }
}
