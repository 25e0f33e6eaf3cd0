package io.profilestream.topology;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import io.profilestream.config.EngineSettings;
import io.profilestream.events.ClickEvent;
import io.profilestream.identity.ProfileIds;
import io.profilestream.internal.IdentityCommand;
import io.profilestream.internal.IdentityCommandType;
import io.profilestream.internal.MergeRequest;
import io.profilestream.internal.ProfileMerge;
import io.profilestream.metrics.EngineMetrics;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.profile.IdentityAction;
import io.profilestream.profile.IdentityEvent;

/**
 * The profile processor's part in identity resolution, on the partitions keyed by profile id.
 * <ul>
 * <li>Move out (at {@code anon:<anonymousId>}): a merge request deletes the anonymous profile, publishes its
 * tombstone, and sends the profile keyed by the customer id through {@code profile-events}, so it reaches the
 * partition that owns the customer. An anonymous profile holds only clicks, whose ids the identity resolver
 * remembers by anonymous id, so a duplicate delivered after the merge is still dropped there: no event ids move.</li>
 * <li>Merge in (at the customer): the moved profile is merged with the {@code ProfileMerger}.</li>
 * <li>Erasure: every anonymous id ever seen with the customer is sent an unlink command through
 * {@code identity-commands}, keyed by anonymous id, so the links on the resolver's partitions go too.</li>
 * </ul>
 * {@code customer-links-store} remembers every anonymous id seen with a customer, beyond the capped list in the
 * profile.
 */
final class ProfileMerges {

    private final EngineSettings settings;
    private final EngineMetrics metrics;
    private final IdentityEvents identityEvents;
    private final ProcessorContext<String, SpecificRecord> context;
    private final WriteBackStore<CustomerProfile> profiles;
    private final KeyValueStore<String, Long> customerLinks;

    ProfileMerges(final EngineSettings settings,
                  final EngineMetrics metrics,
                  final ProcessorContext<String, SpecificRecord> context,
                  final WriteBackStore<CustomerProfile> profiles) {
        this.settings = settings;
        this.metrics = metrics;
        this.identityEvents = new IdentityEvents(metrics);
        this.context = context;
        this.profiles = profiles;
        this.customerLinks = context.getStateStore(Stores.CUSTOMER_LINKS);
    }

    /**
     * Headers that mark a profile change as caused by a merge.
     */
    static Headers causedByMerge(final Headers headers) {
        final Headers marked = new RecordHeaders(headers.toArray());
        marked.remove(IdentityEvents.CAUSE_HEADER);
        marked.add(IdentityEvents.CAUSE_HEADER, IdentityEvents.MERGE.getBytes(StandardCharsets.UTF_8));
        return marked;
    }

    /**
     * Moves the anonymous profile out towards the customer; does nothing when there is no anonymous profile.
     */
    void moveOut(final String profileId, final MergeRequest request, final Record<String, SpecificRecord> record) {
        final CustomerProfile anonymous = profiles.get(profileId);
        if (anonymous == null || !ProfileIds.isAnonymous(profileId)) {
            return;
        }
        // Its tombstone reaches profile-updates with the merge request's headers, which the resolver marked.
        profiles.delete(profileId);
        final Headers merged = causedByMerge(record.headers());
        final ProfileMerge merge = ProfileMerge.newBuilder()
            .setAnonymousId(request.getAnonymousId())
            .setCustomerId(request.getCustomerId())
            .setCauseEventId(request.getCauseEventId())
            .setEventTime(request.getEventTime())
            .setRequestedAt(request.getRequestedAt())
            .setProfile(anonymous)
            .build();
        context.forward(new Record<>(request.getCustomerId(), merge, record.timestamp(), merged), Outputs.MOVED_PROFILES);
    }

    /**
     * Merges a moved anonymous profile into the customer's profile (updated in place), remembers its anonymous ids
     * under the customer, and reports the merge.
     */
    void mergeIn(final CustomerProfile target,
                 final ProfileMerge merge,
                 final Record<String, SpecificRecord> record,
                 final Instant now) {
        final String customerId = target.getProfileId();
        final CustomerProfile source = merge.getProfile();
        settings.merger().merge(target, source, now);
        final Set<String> anonymousIds = new LinkedHashSet<>(source.getIdentity().getAnonymousIds());
        anonymousIds.add(merge.getAnonymousId());
        for (final String anonymousId : anonymousIds) {
            remember(customerId, anonymousId, record.timestamp());
        }
        final IdentityEvent event = identityEvents.create(merge.getAnonymousId(),
            IdentityEvents.change(IdentityAction.MERGED, customerId, null), merge.getCauseEventId(),
            merge.getEventTime(), now);
        event.setMergedEvents(source.getIdentity().getVersion());
        context.forward(new Record<>(customerId, event, record.timestamp(), causedByMerge(record.headers())),
            Outputs.MERGE_IDENTITY_EVENTS);
        metrics.mergeLatency(Duration.between(merge.getRequestedAt(), now));
    }

    /**
     * Remembers that a click's anonymous id was seen with the customer, when the profile does not list it yet.
     */
    void rememberClick(final String profileId, final CustomerProfile profile, final ClickEvent click) {
        if (!ProfileIds.isAnonymous(profileId)
            && !profile.getIdentity().getAnonymousIds().contains(click.getAnonymousId())) {
            remember(profileId, click.getAnonymousId(), click.getTimestamp().toEpochMilli());
        }
    }

    /**
     * Sends an unlink command for every anonymous id seen with the customer, and forgets them.
     */
    void unlinkAll(final String customerId, final String requestId, final Record<String, SpecificRecord> record) {
        final Set<String> anonymousIds = new LinkedHashSet<>();
        final CustomerProfile profile = profiles.get(customerId);
        if (profile != null) {
            anonymousIds.addAll(profile.getIdentity().getAnonymousIds());
        }
        final String prefix = customerId + Stores.KEY_SEPARATOR;
        final List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, Long> entries = customerLinks.prefixScan(prefix,
            Serdes.String().serializer())) {
            while (entries.hasNext()) {
                final KeyValue<String, Long> entry = entries.next();
                keys.add(entry.key);
                anonymousIds.add(entry.key.substring(prefix.length()));
            }
        }
        keys.forEach(customerLinks::delete);
        final Instant eventTime = Instant.ofEpochMilli(record.timestamp());
        for (final String anonymousId : anonymousIds) {
            final IdentityCommand unlink = IdentityCommand.newBuilder()
                .setAction(IdentityCommandType.UNLINK)
                .setAnonymousId(anonymousId)
                .setCustomerId(customerId)
                .setCauseEventId(requestId)
                .setEventTime(eventTime)
                .build();
            context.forward(new Record<>(anonymousId, unlink, record.timestamp(), record.headers()),
                Outputs.IDENTITY_COMMANDS);
        }
    }

    private void remember(final String customerId, final String anonymousId, final long time) {
        final String key = customerId + Stores.KEY_SEPARATOR + anonymousId;
        if (customerLinks.get(key) == null) {
            customerLinks.put(key, time);
        }
    }
}
