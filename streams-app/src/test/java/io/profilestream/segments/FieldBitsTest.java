package io.profilestream.segments;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import org.junit.jupiter.api.Test;

class FieldBitsTest {

    @Test
    void shouldShareABitExactlyWhenTheSetsShareAName() {
        final long transactionsAndEmail = FieldBits.of(Set.of("transactions", "email"));

        assertThat(transactionsAndEmail & FieldBits.of(Set.of("email", "scores"))).isNotZero();
        assertThat(transactionsAndEmail & FieldBits.of(Set.of("behaviour", "identity"))).isZero();
        assertThat(FieldBits.of(Set.of("email", "transactions"))).isEqualTo(transactionsAndEmail);
        assertThat(Long.bitCount(transactionsAndEmail)).isEqualTo(2);
        assertThat(FieldBits.of(Set.of())).isZero();
    }

    @Test
    void shouldEncodeAnyFieldAsUnknown() {
        assertThat(FieldBits.of(null)).isEqualTo(FieldBits.UNKNOWN);
        assertThat(SegmentCompiler.withDefaultLimits().compile("size([profile]) == 1")
            .unaffectedBy(Set.of("email"))).isFalse();
    }
}
