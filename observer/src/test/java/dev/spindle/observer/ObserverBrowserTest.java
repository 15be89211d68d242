package dev.spindle.observer;

import dev.spindle.Node;
import dev.spindle.NodeConfig;
import dev.spindle.Pid;
import dev.spindle.Proc;
import dev.spindle.Supervisor;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The observer page in a real browser, used as a person would: it loads, shows a row per
 * scheduler, lists a process the test spawned with its mailbox depth, kills a process from the
 * page, and draws the supervision tree with a restarted child. Needs Debian's chromium and
 * chromium-driver: run by ci/browser-test.sh ({@code mvn -Pbrowser-test}), not by a plain build.
 * With {@code -Dobserver.screenshots=DIR} it saves what it saw.
 */
@Tag("browser")
class ObserverBrowserTest
{
    private static final Duration T = Duration.ofSeconds(20);

    private Node node;
    private Observer observer;
    private ChromeDriver browser;

    @BeforeEach
    void start() throws Exception
    {
        final String missing = Chromium.missing();
        if (missing != null)
        {
            assertFalse(Boolean.getBoolean("observer.requireBrowser"), missing); // CI: a missing browser is a failure
            Assumptions.abort(missing);
        }
        node = Node.start(NodeConfig.builder().schedulers(2).pinned(false).build());
        observer = Observer.start(node, Observer.Options.builder().refresh(Duration.ofMillis(250)).build());
        browser = Chromium.start(1400, 1000);
    }

    @AfterEach
    void stop()
    {
        if (browser != null)
        {
            browser.quit();
        }
        if (observer != null)
        {
            observer.close();
        }
        if (node != null)
        {
            node.close();
        }
    }

    private <T> T await(final Function<WebDriver, T> condition, final String what)
    {
        return new WebDriverWait(browser, T).ignoring(StaleElementReferenceException.class).withMessage(what).until(condition::apply);
    }

    /** Clicks what the selector finds, again if the page redrew it in between. */
    private void click(final By by, final String what)
    {
        await(d ->
        {
            d.findElement(by).click();
            return true;
        }, what);
    }

    /**
     * Clicks what the selector finds until {@code shown} holds: a click that the page's redraw
     * moved away from its target (a frame that arrived in between) is made again, not waited on.
     */
    private void clickUntil(final By by, final Function<WebDriver, Boolean> shown, final String what)
    {
        await(d ->
        {
            if (Boolean.TRUE.equals(shown.apply(d)))
            {
                return true;
            }
            d.findElement(by).click();
            return Boolean.TRUE.equals(shown.apply(d)) ? true : null;
        }, what);
    }

    @Test
    void aPersonWatchesKillsAndSeesARestart() throws Exception
    {
        final Pid sup = node.spawn(() ->
        {
            Proc.register("browser-test-sup");
            Supervisor.of(Supervisor.Strategy.ONE_FOR_ONE, 5, Duration.ofSeconds(10),
                new Supervisor.ChildSpec("worker", () ->
                {
                    Proc.register("browser-test-worker");
                    Proc.receive(m -> false);
                }, Supervisor.Restart.PERMANENT)).run();
        });
        final Pid sink = node.spawn(() ->
        {
            Proc.register("browser-test-sink");
            Proc.receive(m -> false);
        });
        for (int i = 0; i < 321; i++)
        {
            node.send(sink, i);
        }

        browser.get(observer.uri().toString());
        assertEquals("Spindle observer · node " + node.id(), await(d -> d.getTitle().contains("node") ? d.getTitle() : null, "the title names the node"));

        // One row per scheduler.
        await(d -> d.findElements(By.cssSelector("#sched-table tbody tr")).size() == node.schedulers(), "a row per scheduler");
        assertEquals(2, browser.findElements(By.cssSelector("#chart-util .uplot")).size() + browser.findElements(By.cssSelector("#chart-queue .uplot")).size(),
            "the charts are drawn");

        // The sink is listed with its mailbox depth.
        final By sinkRow = By.cssSelector("#proc-table tr[data-pid='" + sink + "']");
        await(d -> d.findElements(sinkRow).stream().anyMatch(r -> r.findElement(By.cssSelector("td.mq")).getText().equals("321")),
            "the sink listed with 321 messages");
        await(d -> d.findElement(sinkRow).findElement(By.cssSelector("td.name")).getText().equals("browser-test-sink"), "its name");

        // Search narrows the table to it.
        browser.findElement(By.id("search")).sendKeys("browser-test-sink");
        await(d -> d.findElements(By.cssSelector("#proc-table tbody tr")).size() == 1, "search leaves one row");
        screenshot("observer-browser-test-processes.png");

        // Kill it from the page: open its details, click kill twice (arm, confirm).
        click(sinkRow, "the sink's row");
        await(d -> d.findElement(By.id("d-title")).getText().equals("browser-test-sink"), "the details of the sink");
        await(d -> d.findElement(By.cssSelector("#d-body pre.stack")).getText().contains("ObserverBrowserTest"), "its stack");
        final WebElement kill = browser.findElement(By.id("kill"));
        assertTrue(kill.isDisplayed());
        kill.click();
        assertTrue(kill.getText().startsWith("Really kill"), kill.getText());
        assertNotNull(node.info(sink), "one click only arms the button");
        kill.click();
        awaitTrue(() -> node.info(sink) == null, "the sink ended");
        await(d -> d.findElement(By.id("kill-note")).getText().equals("killed " + sink), "the page says so");
        await(d -> d.findElements(sinkRow).isEmpty(), "the sink leaves the table");
        browser.findElement(By.id("d-close")).click();
        browser.findElement(By.id("search")).clear();
        // The cleared search redraws the table at the page's next frame, and the tree below it
        // moves down: wait for that, or a click meant for a box can land where it used to be.
        await(d -> d.findElements(By.cssSelector("#proc-table tbody tr")).size() > 1, "the table unfiltered again");

        // The tree: the supervisor and its worker; kill the worker from its box, see the restart.
        final Pid worker = node.whereis("browser-test-worker");
        assertNotNull(worker);
        final By supBox = By.cssSelector("#tree .tnode[data-pid='" + sup + "']");
        final By workerBox = By.cssSelector("#tree .tnode[data-pid='" + worker + "']");
        await(d -> !d.findElements(supBox).isEmpty() && !d.findElements(workerBox).isEmpty(), "the supervisor and its worker drawn");
        clickUntil(workerBox, d -> d.findElement(By.id("d-title")).getText().equals("browser-test-worker"), "the worker's details");
        browser.findElement(By.id("kill")).click();
        browser.findElement(By.id("kill")).click();
        awaitTrue(() -> node.whereis("browser-test-worker") != null && !node.whereis("browser-test-worker").equals(worker), "the worker restarted");
        final Pid restarted = node.whereis("browser-test-worker");
        final By newBox = By.xpath("//div[contains(@class,'tnode') and @data-pid='" + sup + "']/following-sibling::ul//div[@data-pid='" + restarted + "']");
        await(d -> !d.findElements(newBox).isEmpty(), "the restarted worker drawn under its supervisor");
        await(d -> "true".equals(d.findElement(newBox).getDomAttribute("data-new")), "the restarted worker marked new");
        await(d -> d.findElement(supBox).getText().contains("1 restart"), "the supervisor counts one restart");
        assertTrue(browser.findElements(workerBox).isEmpty(), "the old worker is gone");
        browser.findElement(By.id("d-close")).click();
        browser.executeScript("document.getElementById('supervision').scrollIntoView()");
        screenshot("observer-browser-test-tree.png");

        final List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
            .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
        assertEquals(List.of(), errors, "no script errors on the page");
    }

    @Test
    void withKillSwitchedOffThePageHasNoKillButton() throws Exception
    {
        observer.close();
        observer = Observer.start(node, Observer.Options.builder().allowKill(false).refresh(Duration.ofMillis(250)).build());
        final Pid p = node.spawn(() ->
        {
            Proc.register("browser-test-nokill");
            Proc.receive(m -> false);
        });
        browser.get(observer.uri().toString());
        await(d -> d.findElement(By.id("refresh")).getText().contains("kill is switched off"), "the footer says kill is off");
        browser.findElement(By.id("search")).sendKeys("browser-test-nokill\n");
        await(d -> d.findElement(By.id("d-title")).getText().equals("browser-test-nokill"), "Enter in the search opens the process");
        assertFalse(browser.findElement(By.id("kill")).isDisplayed());
        assertNotNull(node.info(p));
    }

    private static void awaitTrue(final java.util.function.BooleanSupplier condition, final String what) throws InterruptedException
    {
        final long deadline = System.nanoTime() + T.toNanos();
        while (!condition.getAsBoolean())
        {
            assertTrue(System.nanoTime() < deadline, "timed out: " + what);
            Thread.sleep(20);
        }
    }

    private void screenshot(final String name) throws Exception
    {
        final String dir = System.getProperty("observer.screenshots");
        if (dir != null)
        {
            Files.createDirectories(Path.of(dir));
            Files.write(Path.of(dir, name), browser.getScreenshotAs(OutputType.BYTES));
        }
    }
}
