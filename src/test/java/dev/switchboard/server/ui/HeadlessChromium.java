package dev.switchboard.server.ui;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The system's Chromium, headless, driven through the system's chromedriver (Selenium Manager,
 * which would go to the internet, stays out). One per test class: starting one takes a second or two.
 */
final class HeadlessChromium implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** {@code -Dswitchboard.browser.required=true} (CI): a missing browser fails the tests instead of skipping them. */
    static final String REQUIRED = "switchboard.browser.required";
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final Path profile;

    private HeadlessChromium(ChromeDriverService service, ChromeDriver driver, Path profile) {
        this.service = service;
        this.driver = driver;
        this.profile = profile;
    }

    /** Skips the calling tests when Chromium or chromedriver is missing, unless browsers are required. */
    static void assumeInstalled() {
        assumeInstalled(CHROMIUM, CHROMEDRIVER, Boolean.getBoolean(REQUIRED));
    }

    static void assumeInstalled(Path chromium, Path chromedriver, boolean required) {
        boolean installed = Files.isExecutable(chromium) && Files.isExecutable(chromedriver);
        if (installed) {
            return;
        }
        String missing = chromium + " or " + chromedriver + " is missing (apt-get install -y chromium chromium-driver)";
        if (required) {
            Assertions.fail(missing + ", and " + REQUIRED + " is true");
        }
        Assumptions.abort("browser tests skipped: " + missing);
    }

    static HeadlessChromium start() {
        Path profile;
        try {
            profile = Files.createTempDirectory("switchboard-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toString());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--window-size=1280,1000", "--lang=en-US");
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
        return new HeadlessChromium(service, driver, profile);
    }

    ChromeDriver driver() {
        return driver;
    }

    /** Saves the whole page as {@code target/screenshots/NAME.png} (the window grown to its height); returns the file. */
    Path screenshot(String name) {
        Dimension size = driver.manage().window().getSize();
        Object height = driver.executeScript("return document.documentElement.scrollHeight");
        int pageHeight = height instanceof Number n ? n.intValue() : size.getHeight();
        driver.manage().window().setSize(new Dimension(size.getWidth(), Math.min(Math.max(pageHeight + 140, size.getHeight()), 4000)));
        try {
            Files.createDirectories(SCREENSHOTS);
            Path shot = SCREENSHOTS.resolve(name + ".png");
            File taken = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
            Files.move(taken.toPath(), shot, StandardCopyOption.REPLACE_EXISTING);
            return shot;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            driver.manage().window().setSize(size);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            deleteQuietly(profile);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary profile left behind is harmless
        }
    }
}
