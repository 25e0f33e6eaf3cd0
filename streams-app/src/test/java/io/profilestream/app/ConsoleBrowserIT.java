package io.profilestream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.awt.Image;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.fasterxml.jackson.databind.JsonNode;

import io.profilestream.events.ClickEvent;
import io.profilestream.events.ClickType;
import io.profilestream.events.Device;
import io.profilestream.events.LineItem;
import io.profilestream.events.PurchaseEvent;
import io.profilestream.events.PurchaseType;
import io.profilestream.testing.KafkaCluster;
import io.profilestream.testing.KafkaClusterExtension;
import io.profilestream.testing.TestNamespace;

/**
 * The console in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}) against an engine fed
 * with events by an outside producer: what each page shows must be what the REST API answers.
 * It is skipped, saying why, where no Chromium or driver is installed ({@code .ci/run} installs them).
 * Screenshots of the main pages go to {@code target/console-screenshots}, or to the directory named by the system
 * property {@value #SCREENSHOTS_PROPERTY} ({@code ../docs/console} refreshes the ones in the docs).
 */
@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class ConsoleBrowserIT {

    static final String SCREENSHOTS_PROPERTY = "console.screenshots.dir";

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String KEY = "console-it-key";
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private static final int CUSTOMERS = 12;
    private static final int SCREENSHOT_WIDTH = 1000;

    private EngineHarness harness;
    private WebDriver browser;
    private String base;

    @BeforeEach
    void start(final KafkaCluster cluster,
               final TestNamespace namespace) {
        final String chromium = executable("console.chromium", "CHROME_BIN", "/usr/bin/chromium");
        final String driver = executable("console.chromedriver", "CHROMEDRIVER", "/usr/bin/chromedriver");
        Assumptions.assumeTrue(chromium != null && driver != null, "No Chromium or chromedriver here (install "
            + "Debian's chromium and chromium-driver, as .ci/run does, or name them with -Dconsole.chromium and "
            + "-Dconsole.chromedriver): the console's browser tests are skipped.");
        harness = new EngineHarness(cluster, namespace, Map.of("api.key", KEY,
            "lifecycle.reevaluation.interval.ms", "500"));
        harness.startApp();
        base = "http://127.0.0.1:" + harness.app.httpPort();
        final ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
            "--window-size=1280,1000", "--lang=en-US");
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new File(driver))
            .withSilent(true).build(), options);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void shouldShowWhatTheRestApiAnswersOnEveryPage() throws Exception {
        for (int i = 0; i < CUSTOMERS; i++) {
            final String customer = customer(i);
            click("v" + i, "anon-" + i, customer, ClickType.LOGIN);
            click("w" + i, "anon-" + i, customer, ClickType.PRODUCT_VIEW);
            for (int order = 0; order <= i % 3; order++) {
                order("o" + i + "-" + order, customer, 2_000L + 1_500L * i);
            }
        }
        harness.send(harness.topics.purchases(), "c-bad", "not avro".getBytes(StandardCharsets.UTF_8));
        // Every event of the last customer applied: its orders and its two clicks.
        await().atMost(WAIT).until(() -> version(customer(CUSTOMERS - 1)) == 5);

        // The key is asked for once, on the first page that needs it, and kept for the tab.
        final String profileId = customer(5);
        browser.get(base + "/console/profiles/" + profileId);
        final WebElement keyInput = waitFor(By.id("key-input"));
        keyInput.sendKeys(KEY);
        browser.findElement(By.id("key-save")).click();
        final JsonNode profile = harness.json(harness.get("/api/v1/profiles/" + profileId).body());
        assertThat(text(By.id("profile-id"))).isEqualTo(profile.path("profileId").asText());
        assertThat(text(By.id("lifecycle-stage"))).isEqualTo(profile.path("lifecycleStage").asText());
        assertThat(text(By.id("orders"))).isEqualTo(profile.at("/transactions/orders").asText());
        assertThat(text(By.cssSelector("[data-field='transactions.orders']")))
            .isEqualTo(profile.at("/transactions/orders").asText());
        final List<String> held = new ArrayList<>();
        profile.path("segments").forEach(segment -> held.add(segment.asText()));
        assertThat(held).as("the fed customer holds segments of the default catalogue").isNotEmpty();
        assertThat(browser.findElements(By.cssSelector("#profile-segments [data-segment]")).stream()
            .map(chip -> chip.getAttribute("data-segment")).toList()).containsExactlyInAnyOrderElementsOf(held);
        screenshot("profile");

        // The segments page lists every segment with the size the API reports once sizes have settled.
        await().atMost(WAIT).until(this::backfillsDone);
        final Map<String, Long> sizes = sizes();
        browser.get(base + "/console/segments");
        waitFor(By.cssSelector("#segments-table tbody tr"));
        final Map<String, String> shown = new HashMap<>();
        for (final WebElement row : browser.findElements(By.cssSelector("#segments-table tbody tr"))) {
            shown.put(row.getAttribute("data-segment"), row.findElement(By.cssSelector("td.size")).getText());
        }
        final Map<String, String> expected = new HashMap<>();
        sizes.forEach((id, size) -> expected.put(id, Long.toString(size)));
        assertThat(shown).isEqualTo(expected);
        screenshot("segments");

        // The editor shows the compiler's error at its position as one types, then a preview.
        browser.get(base + "/console/segments/big-spenders");
        final WebElement expression = waitFor(By.id("expression"));
        expression.clear();
        expression.sendKeys("profile.transactions.orders >= && true");
        final WebElement error = waitFor(By.id("compile-error"));
        final JsonNode invalid = post("/api/v1/segments/validate",
            "{\"expression\":\"profile.transactions.orders >= && true\"}");
        assertThat(error.getAttribute("data-column")).isEqualTo(invalid.at("/position/column").asText());
        assertThat(error.getText()).contains(invalid.path("error").asText().lines().findFirst().orElseThrow());
        assertThat(text(By.id("error-caret"))).endsWith("^");
        screenshot("segment-editor");
        expression.clear();
        expression.sendKeys("profile.transactions.orders >= 3");
        waitFor(By.id("valid"));
        browser.findElement(By.id("preview-button")).click();
        final String previewSize = waitFor(By.id("preview-size")).getText();
        assertThat(previewSize).isEqualTo(post("/api/v1/segments/preview",
            "{\"expression\":\"profile.transactions.orders >= 3\"}").path("size").asText());
        assertThat(Long.parseLong(previewSize)).isEqualTo(CUSTOMERS / 3);

        // Saving makes the segment appear on the segments page with its size.
        browser.findElement(By.id("segment-name")).sendKeys("Big spenders");
        browser.findElement(By.id("save-button")).click();
        waitFor(By.id("saved"));
        browser.get(base + "/console/segments");
        new WebDriverWait(browser, WAIT).until(page -> {
            final List<WebElement> rows = page.findElements(By.cssSelector("tr[data-segment='big-spenders'] td.size"));
            return !rows.isEmpty() && rows.get(0).getText().equals(Long.toString(CUSTOMERS / 3));
        });
        assertThat(sizes().get("big-spenders")).isEqualTo(CUSTOMERS / 3);

        // The live feed shows a change caused by an event sent now.
        browser.get(base + "/console/live?segment=big-spenders");
        waitFor(By.cssSelector("#live-dot.on"));
        assertThat(new Select(browser.findElement(By.id("live-segment"))).getFirstSelectedOption()
            .getAttribute("value")).isEqualTo("big-spenders");
        final String newcomer = "c-live-1";
        for (int order = 0; order < 3; order++) {
            order("live-" + order, newcomer, 9_900);
        }
        final WebElement row = waitFor(By.cssSelector("#live-rows tr[data-customer='" + newcomer + "']"));
        assertThat(row.getText()).contains("big-spenders", "ENTERED");
        assertThat(browser.findElements(By.cssSelector("#live-rows tr")).stream()
            .allMatch(r -> "big-spenders".equals(r.getAttribute("data-segment")))).isTrue();
        screenshot("live");

        // The segment's page: members as the API pages them, size over time, distributions among members.
        browser.get(base + "/console/segments/big-spenders");
        new WebDriverWait(browser, WAIT).until(page -> page.findElements(By.cssSelector("#members [data-profile]"))
            .size() == CUSTOMERS / 3 + 1);
        final List<String> members = new ArrayList<>();
        harness.json(harness.get("/api/v1/segments/big-spenders/members?limit=25").body()).path("members")
            .forEach(member -> members.add(member.asText()));
        assertThat(browser.findElements(By.cssSelector("#members [data-profile]")).stream()
            .map(member -> member.getAttribute("data-profile")).toList()).isEqualTo(members);
        waitFor(By.cssSelector("#size-chart .uplot"));
        waitFor(By.cssSelector("#churn-chart .uplot"));
        assertThat(text(By.id("distribution-note"))).startsWith("From " + members.size() + " profiles");
        screenshot("segment");
        final JsonNode summary = harness.json(harness.get("/api/v1/segments/big-spenders/summary").body());
        new WebDriverWait(browser, WAIT).until(page -> !page.findElements(By.id("summary-size")).isEmpty());
        assertThat(text(By.id("summary-size"))).isEqualTo(Long.toString(summary.path("size").asLong()));
        assertThat(text(By.id("holdout-comparison"))).startsWith("No holdout");
        assertThat(text(By.id("segment-summary-card"))).doesNotContain("null");

        // A persona's card beside its live figures; a segment with a holdout compares treated and held-out members.
        browser.get(base + "/console/segments/vip");
        assertThat(waitFor(By.id("persona-quote")).getText()).isEqualTo(harness.json(
            harness.get("/api/v1/segments/vip/summary").body()).at("/card/quote").asText());
        browser.get(base + "/console/segments/high-value-at-risk");
        final WebElement difference = waitFor(By.id("holdout-difference"));
        assertThat(difference.getText()).startsWith("Treated minus holdout, 95 % interval");
        assertThat(text(By.id("holdout-comparison"))).contains("10 % of members are held out");
        screenshot("segment-holdout");

        // Dead letters: counts by reason and input as the API reports them, metadata only.
        browser.get(base + "/console/dlq");
        final WebElement undecodable = waitFor(By.cssSelector("#dlq-counts tr[data-reason='undecodable']"));
        assertThat(undecodable.getText()).contains(harness.topics.purchases(), "1");
        assertThat(browser.findElement(By.tagName("body")).getText()).doesNotContain("not avro");

        browser.get(base + "/console/");
        waitFor(By.cssSelector("tr[data-instance]"));
        new WebDriverWait(browser, WAIT).until(page -> !text(By.id("stat-rate")).equals("…"));
        assertThat(text(By.id("stat-instances"))).isEqualTo("1 of 1");
        screenshot("overview");
    }

    private String customer(final int i) {
        return "c-" + (100 + i);
    }

    private boolean backfillsDone() {
        final JsonNode segments = harness.json(harness.get("/api/v1/segments").body()).path("segments");
        for (final JsonNode segment : segments) {
            if (!"DONE".equals(segment.at("/backfill/state").asText())) {
                return false;
            }
        }
        return segments.size() > 0;
    }

    private Map<String, Long> sizes() {
        final Map<String, Long> sizes = new HashMap<>();
        harness.json(harness.get("/api/v1/segments").body()).path("segments")
            .forEach(segment -> sizes.put(segment.path("id").asText(), segment.path("size").asLong()));
        return sizes;
    }

    private long version(final String customerId) {
        final var response = harness.get("/api/v1/profiles/" + customerId);
        return response.statusCode() == 200 ? harness.json(response.body()).at("/identity/version").asLong() : -1;
    }

    private JsonNode post(final String path, final String body) {
        final Object answer = ((JavascriptExecutor) browser).executeAsyncScript(
            "const done = arguments[arguments.length - 1];"
                + "fetch(arguments[0], {method: 'POST', headers: {'Content-Type': 'application/json', 'X-API-Key': "
                + "arguments[2]}, body: arguments[1]}).then(r => r.text()).then(done, e => done(String(e)));",
            base + path, body, KEY);
        return harness.json(String.valueOf(answer));
    }

    private WebElement waitFor(final By locator) {
        return new WebDriverWait(browser, WAIT).until(page -> {
            final List<WebElement> found = page.findElements(locator);
            return found.isEmpty() || !found.get(0).isDisplayed() ? null : found.get(0);
        });
    }

    private String text(final By locator) {
        return waitFor(locator).getText();
    }

    private void screenshot(final String name) throws IOException {
        final String configured = System.getProperty(SCREENSHOTS_PROPERTY);
        final Path directory = Path.of(configured == null || configured.isBlank()
            ? "target/console-screenshots" : configured);
        Files.createDirectories(directory);
        final byte[] png = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        final BufferedImage full = ImageIO.read(new ByteArrayInputStream(png));
        final int height = full.getHeight() * SCREENSHOT_WIDTH / full.getWidth();
        final BufferedImage small = new BufferedImage(SCREENSHOT_WIDTH, height, BufferedImage.TYPE_INT_RGB);
        final var graphics = small.createGraphics();
        graphics.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        graphics.drawImage(full.getScaledInstance(SCREENSHOT_WIDTH, height, Image.SCALE_SMOOTH), 0, 0, null);
        graphics.dispose();
        ImageIO.write(small, "png", directory.resolve("console-" + name + ".png").toFile());
    }

    private static String executable(final String property, final String environment, final String fallback) {
        final String configured = System.getProperty(property, System.getenv(environment));
        final String path = configured == null || configured.isBlank() ? fallback : configured;
        return Files.isExecutable(Path.of(path)) ? path : null;
    }

    private void click(final String eventId, final String anonymousId, final String customerId, final ClickType type) {
        final ClickEvent click = ClickEvent.newBuilder()
            .setEventId(eventId)
            .setAnonymousId(anonymousId)
            .setCustomerId(customerId)
            .setSessionId("s-" + anonymousId)
            .setType(type)
            .setTimestamp(NOW)
            .setCategory(type == ClickType.PRODUCT_VIEW ? "outdoor" : null)
            .setChannel("organic")
            .setDevice(Device.DESKTOP)
            .build();
        harness.send(harness.topics.clickstream(), anonymousId,
            harness.serdes.click().serialize(harness.topics.clickstream(), click));
    }

    private void order(final String eventId, final String customerId, final long totalMinor) {
        final PurchaseEvent order = PurchaseEvent.newBuilder()
            .setEventId(eventId)
            .setOrderId("o-" + eventId)
            .setCustomerId(customerId)
            .setType(PurchaseType.ORDER)
            .setTimestamp(NOW)
            .setCurrency("USD")
            .setTotalMinor(totalMinor)
            .setItems(List.of(LineItem.newBuilder().setSku("sku-1").setCategory("outdoor").setQuantity(1)
                .setUnitPriceMinor(totalMinor).build()))
            .build();
        harness.send(harness.topics.purchases(), customerId,
            harness.serdes.purchase().serialize(harness.topics.purchases(), order));
    }
}
