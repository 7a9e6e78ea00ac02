package dev.switchboard.server.ui;

import dev.switchboard.store.KeyRecord;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The keys an admin's playground offers to bill: usable ones only, {@code default} chosen first. */
class PlaygroundPageTest {
    static final long NOW = 1_000_000L;

    static KeyRecord key(String hash, String name, boolean disabled, Long expiresAt) {
        return new KeyRecord(hash, name, "sk-sb-v1-abc…xyz", KeyRecord.Role.INFERENCE, null, null, expiresAt, null, null,
                disabled, 0, 0, 0);
    }

    @Test
    void theDefaultKeyIsChosenWhereverItIsListed() {
        var options = PlaygroundPage.keyOptions(List.of(key("a", "ci", false, null), key("b", "default", false, null)), NOW);

        assertThat(options).extracting(PlaygroundPage.KeyOption::hash).containsExactly("a", "b");
        assertThat(options).filteredOn(PlaygroundPage.KeyOption::selected).extracting(PlaygroundPage.KeyOption::hash)
                .containsExactly("b");
    }

    @Test
    void withoutADefaultKeyTheFirstUsableOneIsChosen() {
        var options = PlaygroundPage.keyOptions(List.of(key("a", "off", true, null), key("b", "old", false, NOW - 1),
                key("c", "ci", false, NOW + 1), key("d", "other", false, null)), NOW);

        assertThat(options).extracting(PlaygroundPage.KeyOption::hash).containsExactly("c", "d");
        assertThat(options.getFirst().selected()).isTrue();
        assertThat(options.get(1).selected()).isFalse();
        assertThat(options.getFirst().label()).isEqualTo("ci (sk-sb-v1-abc…xyz)");
    }

    @Test
    void aDisabledDefaultKeyIsNotOffered() {
        assertThat(PlaygroundPage.keyOptions(List.of(key("a", "default", true, null)), NOW)).isEmpty();
    }
}
