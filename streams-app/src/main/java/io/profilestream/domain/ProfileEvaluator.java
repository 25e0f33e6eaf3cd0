package io.profilestream.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.profilestream.domain.lifecycle.LifecycleClassifier;
import io.profilestream.profile.ChangeKind;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.profile.LifecycleStage;

/**
 * Everything derived from a profile's facts, recomputed after each event and when time passes: scores, lifecycle
 * stage, and the next time something could change without a new event.
 * It returns the membership changes so the caller can publish them.
 */
public final class ProfileEvaluator {

    private final ProfileScorer scorer;
    private final LifecycleClassifier lifecycle;

    public ProfileEvaluator(final ProfileScorer scorer, final LifecycleClassifier lifecycle) {
        this.scorer = scorer;
        this.lifecycle = lifecycle;
    }

    /** Recomputes only the scores of the profile, which the caller owns, as of {@code now}. */
    public void score(final CustomerProfile profile, final Instant now) {
        scorer.score(profile, now);
    }

    /** The scorer, whose curves tell when a score crosses a rule's threshold. */
    public ProfileScorer scorer() {
        return scorer;
    }

    /**
     * Re-evaluates the profile, which the caller owns, as of {@code now}; returns what entered and exited.
     */
    public List<MembershipChange> evaluate(final CustomerProfile profile, final Instant now) {
        final List<MembershipChange> changes = new ArrayList<>(2);
        scorer.score(profile, now);
        profile.getScores().setCompleteness(ProfileCompleteness.of(profile));
        final LifecycleStage before = profile.getLifecycleStage();
        final LifecycleStage after = lifecycle.classify(profile, now);
        if (after != before) {
            if (before != null) {
                changes.add(MembershipChange.exited(ChangeKind.LIFECYCLE, before.name(), 0));
            }
            changes.add(MembershipChange.entered(ChangeKind.LIFECYCLE, after.name(), 0));
            profile.setLifecycleStage(after);
            profile.setLifecycleSince(now);
        }
        profile.setReevaluateAt(lifecycle.nextChange(profile, now));
        return changes;
    }
}
