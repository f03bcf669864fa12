package io.fedflow.node.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * A real browser for a test class: Debian's headless Chromium driven through Debian's chromedriver (Selenium
 * is told both paths, so Selenium Manager never looks for, nor downloads, a browser or a driver). Registered
 * as {@code @RegisterExtension static final Browser browser = Browser.headless();} it starts before the
 * class's first test and quits after the last; a failed test leaves a screenshot and the page's console in
 * the failure output. Every page {@link #open opened} waits for the board's
 * {@code document.body.dataset.ready == "true"} and leaves a PNG under
 * {@code target/board-screenshots/<test class>/}.
 * Without Chromium the class fails, naming the packages to install: a browser test never skips.
 */
public final class Browser implements BeforeAllCallback, AfterAllCallback, TestWatcher {
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** Relative to the module (surefire runs the tests in node/); one folder per test class below it. */
    public static final Path SCREENSHOTS = Path.of("target", "board-screenshots");
    /** The window every screenshot has (the README's picture too). */
    public static final int WIDTH = 1280;
    public static final int HEIGHT = 800;
    private static final Duration PAGE_WAIT = Duration.ofSeconds(20);
    private static final Duration CHART_ANIMATION = Duration.ofSeconds(5);

    private final AtomicInteger shots = new AtomicInteger();
    private Path dir = SCREENSHOTS;
    private ChromeDriver driver;

    private Browser() {}

    public static Browser headless() {
        return new Browser();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dir = SCREENSHOTS.resolve(context.getRequiredTestClass().getSimpleName());
        if (Files.isDirectory(dir)) {
            try (Stream<Path> old = Files.list(dir)) {
                for (Path p : old.filter(f -> f.toString().endsWith(".png")).toList()) {
                    Files.delete(p);
                }
            }
        }
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        quit();
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        if (driver != null) {
            try {
                Path shot = screenshot("FAILED-" + context.getRequiredTestMethod().getName());
                System.err.println("Browser at " + driver.getCurrentUrl() + " when " + context.getDisplayName()
                        + " failed: screenshot " + shot.toAbsolutePath() + "\nconsole:\n" + console());
            } catch (RuntimeException e) {
                System.err.println("no screenshot of the failure: " + e);
            }
        }
    }

    /** Starts Chromium; fails, saying what to install, when the browser or its driver is missing. */
    public void start() throws IOException {
        for (Path p : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(p)) {
                throw new IllegalStateException("The board's browser test needs " + p + ": install Debian's "
                        + "chromium and chromium-driver (apt-get install -y --no-install-recommends chromium "
                        + "chromium-driver; .ci/run does this when " + CHROMEDRIVER + " is missing)");
            }
        }
        Files.createDirectories(dir);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
                .withLogOutput(System.err).withSilent(true).build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // No sandbox: CI runs as root. The rest keeps Chromium off the network, which is closed here.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=" + WIDTH + "," + HEIGHT, "--no-first-run", "--disable-quic",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-extensions", "--lang=en-US");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(PAGE_WAIT).scriptTimeout(PAGE_WAIT);
    }

    public void quit() {
        if (driver != null) {
            try {
                driver.quit();
            } finally {
                driver = null;
            }
        }
    }

    public ChromeDriver driver() {
        if (driver == null) {
            throw new IllegalStateException("the browser is not started");
        }
        return driver;
    }

    /**
     * Loads {@code url}, waits until the page says its first render is done ({@code body[data-ready=true]}),
     * and takes a screenshot named {@code name}; answers the screenshot's path.
     */
    public Path open(String url, String name) {
        driver().get(url);
        awaitReady();
        return screenshot(name);
    }

    /** As {@link #open(String, String)}, the screenshot showing the element {@code css} (scrolled into view). */
    public Path open(String url, String name, String css) {
        driver().get(url);
        awaitReady();
        return screenshot(name, css);
    }

    /** Waits for the current page's {@code document.body.dataset.ready == "true"}. */
    public void awaitReady() {
        try {
            Awaitility.await().atMost(PAGE_WAIT).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> "true".equals(script("return document.body && document.body.dataset.ready;")));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(driver().getCurrentUrl() + " never set document.body.dataset.ready to "
                    + "\"true\"; its console:\n" + console(), e);
        }
    }

    /** Runs JavaScript in the page (Selenium's executeScript: {@code return} gives the value back). */
    public Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver()).executeScript(js, args);
    }

    /** A JavaScript expression's value, through JSON (numbers keep their full precision as doubles). */
    public JsonNode json(String expression, Object... args) {
        Object text = script("return JSON.stringify(" + expression + ");", args);
        try {
            return FlowHttp.JSON.readTree(text == null ? "null" : text.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The option ({@code getOption()}) of the ECharts instance drawn in the element of that id. */
    public JsonNode chartOption(String elementId) {
        return json("(() => { const el = document.getElementById(arguments[0]);"
                + " const chart = el && echarts.getInstanceByDom(el); return chart ? chart.getOption() : null; })()",
                elementId);
    }

    /** The {@code data} of series {@code index} of the chart in the element of that id. */
    public JsonNode chartSeries(String elementId, int index) {
        JsonNode option = chartOption(elementId);
        if (option == null || option.isNull()) {
            throw new AssertionError("no ECharts instance in #" + elementId + " at " + driver().getCurrentUrl());
        }
        return option.path("series").path(index).path("data");
    }

    public List<WebElement> all(String css) {
        return driver().findElements(By.cssSelector(css));
    }

    public Optional<WebElement> first(String css) {
        return all(css).stream().findFirst();
    }

    public WebElement one(String css) {
        return first(css).orElseThrow(() -> new AssertionError("no " + css + " at " + driver().getCurrentUrl()));
    }

    /** A screenshot with the element {@code css} scrolled to the middle of the window. */
    public Path screenshot(String name, String css) {
        script("arguments[0].scrollIntoView({block: 'center'});", one(css));
        return screenshot(name);
    }

    /**
     * Writes the visible window as {@code NN-name.png} under target/board-screenshots/{test class}/ (emptied
     * when the class starts); answers the file.
     */
    public Path screenshot(String name) {
        String file = String.format(Locale.ROOT, "%02d-%s.png", shots.incrementAndGet(),
                name.replaceAll("[^A-Za-z0-9_.-]", "_"));
        Path target = dir.resolve(file);
        awaitChartsDrawn();
        try {
            Files.createDirectories(dir);
            File png = driver().getScreenshotAs(OutputType.FILE);
            Files.copy(png.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
            Files.deleteIfExists(png.toPath());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    /**
     * Waits (a few seconds at most) until every ECharts instance on the page ended its animation, so that a
     * screenshot shows whole charts; the charts' data is read through their options, not from the picture.
     */
    private void awaitChartsDrawn() {
        try {
            Awaitility.await().atMost(CHART_ANIMATION).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> Boolean.TRUE.equals(script("if (typeof echarts === 'undefined') { return true; }"
                            + " return Array.from(document.querySelectorAll('[_echarts_instance_]')).every(el => {"
                            + " const chart = echarts.getInstanceByDom(el);"
                            + " return !chart || chart.getZr().animation.isFinished(); });")));
        } catch (ConditionTimeoutException e) {
            // a chart still moving (a live page redrawing) is photographed as it is
        }
    }

    /** The page's console lines since the last call (JavaScript errors among them). */
    public String console() {
        try {
            return driver().manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::toString)
                    .collect(Collectors.joining("\n"));
        } catch (WebDriverException e) {
            return "(console not readable: " + e.getMessage() + ")";
        }
    }
}
