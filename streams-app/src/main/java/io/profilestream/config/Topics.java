package io.profilestream.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.profilestream.domain.EventKind;


/**
 * The one place that names the engine's topics; every name comes from configuration.
 *
 * @param clickstream click events, keyed by anonymousId
 * @param purchases orders and refunds, keyed by customerId
 * @param email email events, keyed by customerId
 * @param erasure erasure requests, keyed by customerId
 * @param customerTraits CRM and sign-up traits, keyed by customerId
 * @param profileUpdates latest profiles (compacted), keyed by profile id
 * @param segmentChanges segment, lifecycle and persona changes, keyed by customerId
 * @param segmentDefinitions the segment catalogue (compacted), keyed by segment id
 * @param modelParameters fitted model parameters (compacted), keyed by model name
 * @param deadLetterQueue rejected records with their reason in headers
 * @param identityEvents the identity audit trail (links, merges, re-links, quarantines, unlinks), keyed by customerId
 * @param profileEvents the engine's own topic of clicks, merge requests and moved profiles, keyed by profile id;
 *                      by default {@code <application.id>-profile-events}
 * @param identityCommands the engine's own topic the identity task reads besides the clickstream, keyed by anonymousId:
 *                         unlink commands, clicks that arrived on a partition other than their key's, custom events
 *                         with only an anonymous id; by default {@code <application.id>-identity-commands}
 * @param customEvents custom events (tickets, app usage, loyalty points), keyed by customerId or anonymousId
 * @param traitDefinitions the computed trait catalogue (compacted), keyed by trait id
 * @param segmentSnapshots daily figures of every segment and persona (compacted), keyed by segment id and day
 * @param reroutedClicks the engine's own topic where earlier versions moved clicks that arrived on a partition other
 *                       than their key's; still read, for what they left there, and written no more; by default
 *                       {@code <application.id>-rerouted-clicks}
 * @param coPurchase the engine's own compacted topic of co-purchase counts, one row per task and source category,
 *                   keyed {@code <partition>/<category>}, read by every instance; by default
 *                   {@code <application.id>-co-purchase}
 */
public record Topics(String clickstream,
                     String purchases,
                     String email,
                     String erasure,
                     String profileUpdates,
                     String segmentChanges,
                     String segmentDefinitions,
                     String modelParameters,
                     String deadLetterQueue,
                     String customerTraits,
                     String identityEvents,
                     String profileEvents,
                     String identityCommands,
                     String customEvents,
                     String traitDefinitions,
                     String segmentSnapshots,
                     String reroutedClicks,
                     String coPurchase) {

    private static final String CLICKSTREAM = "topics.clickstream";
    private static final String PURCHASES = "topics.purchases";
    private static final String EMAIL = "topics.email";
    private static final String ERASURE = "topics.erasure";
    private static final String PROFILE_UPDATES = "topics.profile.updates";
    private static final String SEGMENT_CHANGES = "topics.segment.changes";
    private static final String SEGMENT_DEFINITIONS = "topics.segment.definitions";
    private static final String MODEL_PARAMETERS = "topics.model.parameters";
    private static final String DEAD_LETTER_QUEUE = "topics.dlq";
    private static final String CUSTOMER_TRAITS = "topics.customer.traits";
    private static final String IDENTITY_EVENTS = "topics.identity.events";
    private static final String PROFILE_EVENTS = "topics.profile.events";
    private static final String IDENTITY_COMMANDS = "topics.identity.commands";
    private static final String CUSTOM_EVENTS = "topics.custom.events";
    private static final String TRAIT_DEFINITIONS = "topics.trait.definitions";
    private static final String SEGMENT_SNAPSHOTS = "topics.segment.snapshots";
    private static final String REROUTED_CLICKS = "topics.rerouted.clicks";
    private static final String CO_PURCHASE = "topics.co.purchase";

    public static Topics from(final ProfileStreamConfig config) {
        return new Topics(
            config.get(CLICKSTREAM),
            config.get(PURCHASES),
            config.get(EMAIL),
            config.get(ERASURE),
            config.get(PROFILE_UPDATES),
            config.get(SEGMENT_CHANGES),
            config.get(SEGMENT_DEFINITIONS),
            config.get(MODEL_PARAMETERS),
            config.get(DEAD_LETTER_QUEUE),
            config.get(CUSTOMER_TRAITS),
            config.get(IDENTITY_EVENTS),
            config.get(PROFILE_EVENTS, config.get("application.id") + "-profile-events"),
            config.get(IDENTITY_COMMANDS, config.get("application.id") + "-identity-commands"),
            config.get(CUSTOM_EVENTS),
            config.get(TRAIT_DEFINITIONS),
            config.get(SEGMENT_SNAPSHOTS),
            config.get(REROUTED_CLICKS, config.get("application.id") + "-rerouted-clicks"),
            config.get(CO_PURCHASE, config.get("application.id") + "-co-purchase"));
    }

    /**
     * The configuration that names these topics, each name under its key; {@link #from} reads it back unchanged.
     */
    public Map<String, String> settings() {
        final Map<String, String> settings = new LinkedHashMap<>();
        settings.put(CLICKSTREAM, clickstream);
        settings.put(PURCHASES, purchases);
        settings.put(EMAIL, email);
        settings.put(ERASURE, erasure);
        settings.put(PROFILE_UPDATES, profileUpdates);
        settings.put(SEGMENT_CHANGES, segmentChanges);
        settings.put(SEGMENT_DEFINITIONS, segmentDefinitions);
        settings.put(MODEL_PARAMETERS, modelParameters);
        settings.put(DEAD_LETTER_QUEUE, deadLetterQueue);
        settings.put(CUSTOMER_TRAITS, customerTraits);
        settings.put(IDENTITY_EVENTS, identityEvents);
        settings.put(PROFILE_EVENTS, profileEvents);
        settings.put(IDENTITY_COMMANDS, identityCommands);
        settings.put(CUSTOM_EVENTS, customEvents);
        settings.put(TRAIT_DEFINITIONS, traitDefinitions);
        settings.put(SEGMENT_SNAPSHOTS, segmentSnapshots);
        settings.put(REROUTED_CLICKS, reroutedClicks);
        settings.put(CO_PURCHASE, coPurchase);
        return Collections.unmodifiableMap(settings);
    }

    /**
     * The topic that carries a kind of event: merge requests and moved profiles travel on the engine's own
     * {@link #profileEvents()}.
     */
    public String of(final EventKind kind) {
        return switch (kind) {
            case CLICK -> clickstream;
            case PURCHASE -> purchases;
            case EMAIL -> email;
            case TRAITS -> customerTraits;
            case ERASURE -> erasure;
            case MERGE_REQUEST, MERGE -> profileEvents;
            case CUSTOM -> customEvents;
        };
    }

    /** The input topics, which must share one partition count. */
    public List<String> inputs() {
        return List.of(clickstream, purchases, email, erasure, customerTraits, customEvents);
    }

    /**
     * The topics partitioned like the inputs: the inputs and the engine's own topics keyed by profile id or
     * anonymousId, whose records must reach the task that owns the same key on the inputs.
     */
    public List<String> coPartitioned() {
        return List.of(clickstream, purchases, email, erasure, customerTraits, profileEvents, identityCommands,
            customEvents, reroutedClicks);
    }

    /**
     * Topics whose records carry event time, which in a replay or for a late event can be months old: the broker
     * stamps them with the append time instead, so time-based retention (and time-based segment rolling) does not
     * delete records as soon as they are written.
     * The output logs, and the engine's own topics, whose records the engine reads back (by the event time in their
     * values): a record deleted there before it is read would be lost.
     */
    public List<String> appendTimeStamped() {
        return List.of(segmentChanges, identityEvents, deadLetterQueue, profileEvents, identityCommands,
            reroutedClicks);
    }

    /** Output and catalogue topics that are compacted. */
    public List<String> compacted() {
        return List.of(profileUpdates, segmentDefinitions, modelParameters, traitDefinitions, segmentSnapshots,
            coPurchase);
    }

    /** Every topic the engine reads or writes, except the changelogs Kafka Streams creates for the stores. */
    public List<String> all() {
        return List.of(clickstream, purchases, email, erasure, profileUpdates, segmentChanges, segmentDefinitions,
            modelParameters, deadLetterQueue, customerTraits, identityEvents, profileEvents, identityCommands,
            customEvents, traitDefinitions, segmentSnapshots, reroutedClicks, coPurchase);
    }
}
