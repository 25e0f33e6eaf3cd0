package io.profilestream.http;

import io.profilestream.profile.CustomerProfile;
import io.profilestream.query.InstanceInfo;
import io.profilestream.query.LookupResult;
import io.profilestream.query.ProfileLookup;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * A {@link ProfileLookup} that answers what a test told it to and remembers the ids it was asked for.
 */
final class FakeProfileLookup implements ProfileLookup {

    private final Map<String, Supplier<LookupResult<CustomerProfile>>> answers = new ConcurrentHashMap<>();
    private final List<String> requestedIds = new CopyOnWriteArrayList<>();
    private final Map<String, LookupResult<CustomerProfile>> copies = new ConcurrentHashMap<>();
    private volatile Supplier<Optional<List<InstanceInfo>>> instances = Optional::empty;

    FakeProfileLookup answer(final String profileId, final LookupResult<CustomerProfile> result) {
        answers.put(profileId, () -> result);
        return this;
    }

    FakeProfileLookup answer(final String profileId, final Supplier<LookupResult<CustomerProfile>> result) {
        answers.put(profileId, result);
        return this;
    }

    /**
     * Sets what a stale lookup (a copy that may lag) answers for an id; by default it has no copy.
     */
    FakeProfileLookup copy(final String profileId, final LookupResult<CustomerProfile> result) {
        copies.put(profileId, result);
        return this;
    }

    FakeProfileLookup instances(final Supplier<Optional<List<InstanceInfo>>> instances) {
        this.instances = instances;
        return this;
    }

    List<String> requestedIds() {
        return List.copyOf(requestedIds);
    }

    @Override
    public LookupResult<CustomerProfile> lookup(final String profileId) {
        requestedIds.add(profileId);
        return answers.getOrDefault(profileId, LookupResult.NotFound::new).get();
    }

    @Override
    public LookupResult<CustomerProfile> lookupStale(final String profileId) {
        return copies.getOrDefault(profileId, ProfileLookup.super.lookupStale(profileId));
    }

    @Override
    public Optional<List<InstanceInfo>> instances() {
        return instances.get();
    }
}
