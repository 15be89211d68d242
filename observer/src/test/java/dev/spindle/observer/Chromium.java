package dev.spindle.observer;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;

/**
 * Debian's headless Chromium through Debian's chromedriver ({@code apt-get install chromium
 * chromium-driver}, what ci/browser-test.sh does). The driver's path is given to the service, so
 * Selenium Manager is never run and nothing is downloaded.
 */
final class Chromium
{
    static final String CHROMEDRIVER = System.getProperty("observer.chromedriver", "/usr/bin/chromedriver");
    static final String CHROMIUM = System.getProperty("observer.chromium", "/usr/bin/chromium");

    private Chromium()
    {
    }

    /** @return why the browser cannot run here, or null. */
    static String missing()
    {
        if (!new File(CHROMEDRIVER).canExecute())
        {
            return CHROMEDRIVER + " is missing (apt-get install chromium-driver; ci/browser-test.sh does)";
        }
        if (!new File(CHROMIUM).canExecute())
        {
            return CHROMIUM + " is missing (apt-get install chromium)";
        }
        return null;
    }

    /**
     * @param width  window width in CSS pixels.
     * @param height window height.
     * @return a headless browser with a new empty profile; quit it when done.
     */
    static ChromeDriver start(final int width, final int height) throws IOException
    {
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
        final Path profile = Files.createTempDirectory("observer-chromium-");
        profile.toFile().deleteOnExit();
        final ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
            "--user-data-dir=" + profile, "--window-size=" + width + "," + height);
        final LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        final ChromeDriverService service = new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
