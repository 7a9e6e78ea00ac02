package dev.switchboard.server.ui;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Browser tests skip without Chromium, unless switchboard.browser.required makes that a failure (as in CI). */
class BrowserRequirementTest {
    static final Path NOWHERE = Path.of("/nonexistent/chromium");

    @Test
    void aMissingBrowserSkipsTheBrowserTests() {
        assertThatThrownBy(() -> HeadlessChromium.assumeInstalled(NOWHERE, HeadlessChromium.CHROMEDRIVER, false))
                .isInstanceOf(TestAbortedException.class).hasMessageContaining("skipped");
    }

    @Test
    void aMissingBrowserFailsWhenBrowsersAreRequired() {
        assertThatThrownBy(() -> HeadlessChromium.assumeInstalled(NOWHERE, HeadlessChromium.CHROMEDRIVER, true))
                .isInstanceOf(AssertionFailedError.class).hasMessageContaining("switchboard.browser.required");
    }
}
