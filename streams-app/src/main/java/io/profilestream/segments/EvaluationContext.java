package io.profilestream.segments;

import java.time.Instant;
import java.util.Optional;

import org.apache.avro.generic.IndexedRecord;

import dev.cel.runtime.CelVariableResolver;

/**
 * One profile at one instant, ready to be evaluated by any number of rules.
 * Fields are converted to CEL values the first time a rule reads them and shared by the rules after it, so
 * evaluate every rule for a profile through one context.
 * A context is cheap (a few small objects), is used by one thread and must not outlive its profile record
 * or see it change.
 */
public final class EvaluationContext {

    private final String profileId;
    private final Optional<Object> profile;
    private final Optional<Object> now;
    private final CelVariableResolver variables;

    EvaluationContext(final String profileId, final AvroStructValue profile, final Instant now) {
        this.profileId = profileId;
        this.profile = Optional.of(profile);
        this.now = Optional.of(now);
        this.variables = this::find;
    }

    /**
     * The id of the profile, for error reports.
     */
    public String profileId() {
        return profileId;
    }

    /**
     * The profile record being evaluated.
     */
    public IndexedRecord profile() {
        return ((AvroStructValue) profile.get()).record();
    }

    /**
     * The value of {@code now} in rules.
     */
    public Instant now() {
        return (Instant) now.get();
    }

    AvroStructValue profileValue() {
        return (AvroStructValue) profile.get();
    }

    CelVariableResolver variables() {
        return variables;
    }

    private Optional<Object> find(final String name) {
        if (ProfileFunctions.PROFILE.equals(name)) {
            return profile;
        }
        if (ProfileFunctions.NOW.equals(name)) {
            return now;
        }
        return Optional.empty();
    }
}
