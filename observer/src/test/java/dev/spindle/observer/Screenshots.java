package dev.spindle.observer;

import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Takes the screenshots in docs/img/ of a running observer page (e.g. {@code ./spindle observe}):
 * {@code java -cp <observer test class path> dev.spindle.observer.Screenshots http://127.0.0.1:8080/ docs/img}.
 * Not a test.
 */
public final class Screenshots
{
    private Screenshots()
    {
    }

    /**
     * @param args the page's URL, the folder to write to, and optionally a process to open in the drawer.
     * @throws Exception when the browser fails.
     */
    public static void main(final String[] args) throws Exception
    {
        final Path dir = Path.of(args[1]);
        Files.createDirectories(dir);
        final ChromeDriver browser = Chromium.start(1440, 1000);
        try
        {
            browser.get(args[0]);
            Thread.sleep(4_000); // a few frames
            Files.write(dir.resolve("observer-schedulers.png"), browser.getScreenshotAs(OutputType.BYTES));
            browser.executeScript("document.getElementById('processes').scrollIntoView()");
            if (args.length > 2)
            {
                browser.findElement(By.id("search")).sendKeys(args[2] + "\n");
                Thread.sleep(1_500);
                browser.findElement(By.id("search")).clear();
                browser.executeScript("document.getElementById('search').dispatchEvent(new Event('input'))");
            }
            Thread.sleep(1_500);
            Files.write(dir.resolve("observer-processes.png"), browser.getScreenshotAs(OutputType.BYTES));
            browser.findElement(By.id("d-close")).click();
            browser.executeScript("document.getElementById('supervision').scrollIntoView()");
            Thread.sleep(1_500);
            Files.write(dir.resolve("observer-supervision.png"), browser.getScreenshotAs(OutputType.BYTES));
        }
        finally
        {
            browser.quit();
        }
    }
}
