package io.profilestream.query;

import java.util.List;

/**
 * What a draft rule would select: how many profiles match and the first few that do.
 *
 * @param size how many profiles match
 * @param sample the ids of a few matching profiles
 */
public record SegmentPreview(long size, List<String> sample) {

    public SegmentPreview {
        sample = List.copyOf(sample);
    }
}
