package io.profilestream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FormatLocaleTest {

    private Locale before;

    @BeforeEach
    void remember() {
        before = Locale.getDefault(Locale.Category.FORMAT);
    }

    @AfterEach
    void restore() {
        Locale.setDefault(Locale.Category.FORMAT, before);
    }

    @Test
    void shouldPreferUnitedStatesOverPlainEnglishWithoutChangingFormattedText() {
        Locale.setDefault(Locale.Category.FORMAT, Locale.ENGLISH);
        final String english = String.format("%d %,d %.2f", 7L, 1234567L, 3.14159);

        assertThat(FormatLocale.preferUnitedStates()).isTrue();

        assertThat(Locale.getDefault(Locale.Category.FORMAT)).isEqualTo(Locale.US);
        assertThat(String.format("%d %,d %.2f", 7L, 1234567L, 3.14159)).isEqualTo(english)
            .isEqualTo("7 1,234,567 3.14");
    }

    @Test
    void shouldLeaveAnyOtherLocaleAlone() {
        Locale.setDefault(Locale.Category.FORMAT, Locale.GERMANY);

        assertThat(FormatLocale.preferUnitedStates()).isFalse();

        assertThat(Locale.getDefault(Locale.Category.FORMAT)).isEqualTo(Locale.GERMANY);
    }
}
