package dev.switchboard.server.ui;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code .ci/browser-tests-ran}: CI fails when the browser tests were skipped or never ran. */
class BrowserTestsRanCheckTest {
    private static final String REPORT = "TEST-dev.switchboard.server.ui.WebUiBrowserTest.xml";

    @TempDir
    Path reports;

    @Test
    void passesWhenEveryBrowserTestRan() throws Exception {
        report("tests=\"7\" errors=\"0\" skipped=\"0\" failures=\"0\"");

        assertThat(check()).isZero();
    }

    @Test
    void failsWhenTheReportIsMissing() throws Exception {
        assertThat(check()).isEqualTo(1);
    }

    @Test
    void failsWhenTheTestsWereSkipped() throws Exception {
        report("tests=\"7\" errors=\"0\" skipped=\"7\" failures=\"0\"");

        assertThat(check()).isEqualTo(1);
    }

    @Test
    void failsWhenNoTestRan() throws Exception {
        report("tests=\"0\" errors=\"0\" skipped=\"0\" failures=\"0\"");

        assertThat(check()).isEqualTo(1);
    }

    @Test
    void failsWhenOneFailed() throws Exception {
        report("tests=\"7\" errors=\"1\" skipped=\"0\" failures=\"0\"");

        assertThat(check()).isEqualTo(1);
    }

    /** A report shaped as surefire writes it (attributes in its order, the element on one line). */
    private void report(String counts) throws IOException {
        Files.writeString(reports.resolve(REPORT), """
                <?xml version="1.0" encoding="UTF-8"?>
                <testsuite xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" version="3.0.2" \
                name="dev.switchboard.server.ui.WebUiBrowserTest" time="12.5" %s flakes="0">
                  <properties/>
                </testsuite>
                """.formatted(counts), StandardCharsets.UTF_8);
    }

    private int check() throws Exception {
        Process process = new ProcessBuilder("bash", ".ci/browser-tests-ran", reports.toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        System.out.print(output);
        return process.exitValue();
    }
}
