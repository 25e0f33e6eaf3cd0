package io.profilestream.query;

import java.util.List;

/**
 * One page of a definition's members, in profile id order.
 *
 * @param members the profile ids on this page
 * @param nextCursor the cursor of the next page, or null on the last page
 */
public record MemberPage(List<String> members, String nextCursor) {

    public MemberPage {
        members = List.copyOf(members);
    }
}
