package dev.switchboard.server.ui;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class SessionsTest {
    @Test
    void visitorsCannotPushLoggedInSessionsOut() {
        Sessions sessions = new Sessions(Duration.ofHours(1), 3);
        Sessions.Session admin = sessions.open(Sessions.Role.ADMIN, "sk-admin", "admin").join();
        for (int i = 0; i < 1000; i++) {
            sessions.visitor();
        }
        assertThat(sessions.find(admin.id())).contains(admin);
    }

    @Test
    void idsAndTokensAreRandomAndClosedSessionsAreGone() {
        Sessions sessions = new Sessions(Duration.ofHours(1), 100);
        Sessions.Session a = sessions.visitor();
        Sessions.Session b = sessions.open(Sessions.Role.INFERENCE, "sk-key", "team").join();

        assertThat(a.id()).isNotEqualTo(b.id()).hasSize(43);
        assertThat(a.csrfToken()).isNotEqualTo(a.id()).isNotEqualTo(b.csrfToken());
        assertThat(b.csrfMatches(b.csrfToken())).isTrue();
        assertThat(b.csrfMatches(a.csrfToken())).isFalse();
        assertThat(b.csrfMatches(null)).isFalse();
        assertThat(b.toString()).doesNotContain(b.id(), b.csrfToken(), "sk-key");

        sessions.close(b.id());
        assertThat(sessions.find(b.id())).isEmpty();
        assertThat(sessions.find("")).isEmpty();
        assertThat(sessions.find(null)).isEmpty();
    }
}
