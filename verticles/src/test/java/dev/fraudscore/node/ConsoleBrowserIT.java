package dev.fraudscore.node;

import static org.junit.jupiter.api.Assertions.*;

import dev.fraudscore.node.support.Http;
import dev.fraudscore.node.support.KeysCommand;
import dev.fraudscore.node.support.RunningNode;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The analyst console in a real browser (the system's headless Chromium driven by Selenium) against a running node
 * on real PostgreSQL and Hazelcast: sign-in, the review queue from a REVIEW decided a moment earlier to its
 * resolution (whose label the card's next decision carries), search by card, a decision's reasons, the card view,
 * statistics, the model page, and the live alert feed showing a new alert without a reload. Screenshots of each page
 * go to {@code target/screenshots} (the README's are these).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static RunningNode it;
    private static Path keys;
    private static WebDriver browser;
    private static WebDriverWait wait;
    private static String base;
    private static final Path SHOTS = Path.of("target", "screenshots");

    @BeforeAll
    static void start() throws Exception {
        assertTrue(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "the browser tests need Debian's chromium and chromium-driver (the README's test command,"
                        + " ops/test.sh, installs them)");
        it = RunningNode.start("console_it", c -> {});
        keys = it.node().config().security().keysDir();
        base = "http://127.0.0.1:" + it.node().httpPort();
        HttpResponse<String> t =
                it.ops().post("/admin/thresholds", "application/json", "{\"review\":0.0,\"decline\":1.0}");
        assertEquals(200, t.statusCode(), t.body());
        ChromeOptions options = new ChromeOptions()
                .setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1366,900");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        // a page may draw an element again between finding and using it: waits try again
        wait.ignoring(StaleElementReferenceException.class);
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (it != null) {
            it.close();
        }
    }

    private static void decide(String id, String card, double amount, Instant at) throws Exception {
        HttpResponse<String> r = it.http()
                .replaying()
                .authorize(Http.tx(id, card, "term_" + card, amount)
                        .put("timestamp", at.truncatedTo(ChronoUnit.SECONDS).toString()));
        assertEquals(200, r.statusCode(), r.body());
    }

    private static WebElement visible(By by) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    private static void shot(String name) throws Exception {
        Path png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(png, SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    private static void go(String hash) {
        browser.get(base + "/console/index.html" + hash);
    }

    @Test
    @Order(1)
    void aWrongKeyIsToldSoAndTheAnalystKeySignsIn() throws Exception {
        go("#/login");
        visible(By.id("key")).sendKeys("fsk_not-a-real-key");
        browser.findElement(By.cssSelector("#login button")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("login-error"), "not known"));
        shot("sign-in");
        WebElement key = visible(By.id("key"));
        key.clear();
        key.sendKeys(Http.key(keys, "analyst"));
        browser.findElement(By.cssSelector("#login button")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("cases")));
    }

    @Test
    @Order(2)
    void anAnalystResolvesAReviewFromTheQueueAndTheCardsNextDecisionCarriesTheLabel() throws Exception {
        // decided a moment ago (its event time eight days back, so the verdict is in today's delayed windows)
        decide("web-1", "card_web", 812.40, Instant.now().minus(8, ChronoUnit.DAYS));
        go("#/queue");
        WebElement row = wait.until(d -> {
            d.navigate().refresh();
            return d.findElements(By.xpath("//tbody[@id='cases']/tr[td[contains(., 'card_web')]]")).stream()
                    .findFirst()
                    .orElse(null);
        });
        shot("review-queue");
        row.findElement(By.linkText("open")).click();
        visible(By.id("claim"));
        assertFalse(
                browser.findElements(By.cssSelector("#reasons svg rect")).isEmpty(),
                "the reasons are shown as a bar chart of contributions");
        browser.findElement(By.id("claim")).click();
        visible(By.name("note")).sendKeys("cardholder confirmed: card stolen");
        shot("case-claimed");
        browser.findElement(By.id("fraud")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("resolution"), "fraud"));
        shot("case-resolved");

        decide("web-2", "card_web", 19.99, Instant.now());
        it.db()
                .awaitCount(
                        1,
                        Duration.ofSeconds(20),
                        "SELECT count(*) FROM audit.decisions WHERE transaction_id = 'web-2'");
        JsonObject features =
                new JsonObject(it.http().get("/v1/decisions/web-2").body()).getJsonObject("features");
        assertEquals(1.0, features.getDouble("card_known_frauds_30d"), "the resolution's label reached the card");

        // the card's view: its decisions, the known fraud and the velocity chart
        go("#/card/card_web");
        visible(By.cssSelector("#velocity svg"));
        assertTrue(browser.findElement(By.tagName("main")).getText().contains("web-1"));
        shot("card");
    }

    @Test
    @Order(3)
    void searchFindsADecisionByCardAndOpensItsDetail() throws Exception {
        decide("web-s1", "card_find", 45.00, Instant.now().minus(1, ChronoUnit.HOURS));
        it.db()
                .awaitCount(
                        1,
                        Duration.ofSeconds(20),
                        "SELECT count(*) FROM audit.decisions WHERE transaction_id = 'web-s1'");
        go("#/search");
        visible(By.name("card")).sendKeys("card_find");
        browser.findElement(By.cssSelector("#sf button")).click();
        WebElement row = visible(By.xpath("//table[@id='results']//tr[td[text()='web-s1']]"));
        shot("search");
        row.click();
        visible(By.id("features"));
        assertTrue(browser.findElement(By.id("features")).getText().contains("card_count_1h"));
        assertFalse(browser.findElements(By.cssSelector("#reasons svg rect")).isEmpty());
        shot("decision");
    }

    @Test
    @Order(4)
    void theAlertFeedShowsANewAlertWithoutAReload() throws Exception {
        go("#/alerts");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("live-text"), "live"));
        decide("web-live-1", "card_live", 640.00, Instant.now());
        visible(By.cssSelector("#feed li[data-tx='web-live-1']"));
        shot("alerts");
    }

    @Test
    @Order(6)
    void aRiskAnalystBlocksACardFromTheListsPageSeesBadInputInlineAndRemovesIt() throws Exception {
        String key = KeysCommand.create(it.node().config().postgres().url(), "risk-analyst", "analyst,risk");
        // the analyst key alone may not manage lists: the page says so
        go("#/lists");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("error"), "forbidden"));
        browser.findElement(By.id("signout")).click();
        visible(By.id("key"));
        // the sign-in form may be drawn again while we type: sign in again only while the form is still shown, and
        // stop as soon as the queue is there (a submitted form's check of the key is asynchronous)
        wait.until(d -> {
            if (!d.findElements(By.id("cases")).isEmpty()) return true;
            for (WebElement field : d.findElements(By.id("key"))) {
                field.clear();
                field.sendKeys(key);
                d.findElement(By.cssSelector("#login button")).click();
            }
            return false;
        });
        go("#/lists");
        visible(By.cssSelector("#add select[name=kind]")).sendKeys("ip");
        browser.findElement(By.cssSelector("#add input[name=value]")).sendKeys("999.1.1.1");
        browser.findElement(By.cssSelector("#add input[name=reason]")).sendKeys("typo");
        browser.findElement(By.cssSelector("#add button")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("add-error"), "ip_or_cidr"));
        new Select(browser.findElement(By.cssSelector("#add select[name=kind]"))).selectByVisibleText("card");
        WebElement value = browser.findElement(By.cssSelector("#add input[name=value]"));
        value.clear();
        value.sendKeys("card_stolen");
        WebElement reason = browser.findElement(By.cssSelector("#add input[name=reason]"));
        reason.clear();
        reason.sendKeys("reported stolen by the cardholder");
        browser.findElement(By.cssSelector("#add button")).click();
        WebElement row = visible(By.xpath("//table[@id='entries']//tr[td[text()='card_stolen']]"));
        shot("lists");
        int[] n = {0};
        assertTrue(
                dev.fraudscore.node.support.Await.until(
                        () -> new JsonObject(it.http()
                                        .authorize(Http.tx("web-blk-" + n[0]++, "card_stolen", "term_x", 10))
                                        .body())
                                .getString("decision")
                                .equals("DECLINE"),
                        Duration.ofSeconds(5),
                        50),
                "the block decides");
        // its reason and expiry changed from the row: a past expiry is refused beside the form
        row.findElement(By.cssSelector("button.edit")).click();
        WebElement edit = visible(By.id("edit"));
        assertEquals(
                "block card card_stolen",
                browser.findElement(By.id("edit-what")).getText().toLowerCase(java.util.Locale.ROOT),
                "the entry being changed (its heading is drawn in capitals)");
        WebElement expires = edit.findElement(By.name("expiresAt"));
        expires.sendKeys("2020-01-01T00:00:00Z");
        edit.findElement(By.cssSelector("button:not(.secondary)")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("edit-error"), "in_future"));
        expires.clear();
        expires.sendKeys("2099-01-01T00:00:00Z");
        WebElement editReason = edit.findElement(By.name("reason"));
        editReason.clear();
        editReason.sendKeys("confirmed by the issuer");
        edit.findElement(By.cssSelector("button:not(.secondary)")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.xpath("//table[@id='entries']//tr[td[text()='card_stolen']]"), "confirmed by the issuer"));
        visible(By.xpath("//table[@id='changes']//tr[td[text()='change']][contains(., 'card_stolen')]"));
        row = visible(By.xpath("//table[@id='entries']//tr[td[text()='card_stolen']]"));
        row.findElement(By.cssSelector("button.remove")).click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(
                By.xpath("//table[@id='entries']//tr[td[text()='card_stolen']]")));
        assertTrue(browser.findElement(By.id("changes")).getText().contains("remove"));
    }

    @Test
    @Order(7)
    void aRiskAnalystWritesARuleSeesItsErrorInlineBacktestsItAndActivatesIt() throws Exception {
        go("#/rules");
        visible(By.cssSelector("#rule input[name=name]")).sendKeys("big_ticket");
        WebElement expression = browser.findElement(By.cssSelector("#rule textarea[name=expression]"));
        expression.sendKeys("tx.amount >");
        browser.findElement(By.cssSelector("#rule input[name=reasonCode]")).sendKeys("BIG_TICKET");
        browser.findElement(By.id("save")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("rule-error"), "rule_invalid"));
        assertTrue(browser.findElement(By.id("rule-error")).getText().contains("line 1, column"));
        expression.clear();
        expression.sendKeys("tx.amount > 600.0");
        browser.findElement(By.id("save")).click();
        WebElement row = visible(By.cssSelector("#rules tr[data-rule='big_ticket']"));
        assertTrue(row.getText().contains("shadow"), row.getText());
        browser.findElement(By.id("backtest")).click();
        WebElement figures = visible(By.id("backtest-figures"));
        assertTrue(figures.getText().contains("Rule held"), figures.getText());
        shot("rules");
        row.findElement(By.cssSelector("button.toggle")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("#rules tr[data-rule='big_ticket']"), "active"));
        assertTrue(browser.findElement(By.id("rule-history")).getText().contains("v2 active"));
        int[] n = {0};
        assertTrue(
                dev.fraudscore.node.support.Await.until(
                        () -> new JsonObject(it.http()
                                        .authorize(Http.tx("web-rule-" + n[0]++, "card_rule_web", "term_x", 700))
                                        .body())
                                .getJsonArray("reasons")
                                .getJsonObject(0)
                                .getString("code")
                                .equals("BIG_TICKET"),
                        Duration.ofSeconds(5),
                        50),
                "the activated rule acts");

        // edited from its row: the form holds the newest version; a bad adjustment is shown inline, a good one saved
        visible(By.cssSelector("#rules tr[data-rule='big_ticket'] button.edit")).click();
        WebElement form = browser.findElement(By.id("rule"));
        assertEquals(
                "tx.amount > 600.0", form.findElement(By.name("expression")).getDomProperty("value"));
        assertEquals(
                "active",
                new Select(form.findElement(By.name("state")))
                        .getFirstSelectedOption()
                        .getText());
        new Select(form.findElement(By.name("action"))).selectByVisibleText("NONE");
        WebElement adjustment = form.findElement(By.name("scoreAdjustment"));
        adjustment.clear();
        adjustment.sendKeys("1.5");
        browser.findElement(By.id("save")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("rule-error"), "scoreAdjustment"));
        adjustment.clear();
        adjustment.sendKeys("0.4");
        browser.findElement(By.id("save")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("#rules tr[data-rule='big_ticket']"), "+0.4"));
        assertEquals("", browser.findElement(By.id("rule-error")).getText());
        assertTrue(browser.findElement(By.id("rule-history")).getText().contains("v3 active"));
    }

    @Test
    @Order(5)
    void statisticsAndTheModelPageShowTodayAndTheServedModel() throws Exception {
        go("#/stats");
        visible(By.cssSelector("#stats svg"));
        assertTrue(browser.findElement(By.id("stats")).getText().contains("REVIEW"));
        shot("statistics");
        go("#/models");
        assertTrue(visible(By.id("champion-version")).getText().startsWith("xgb-"));
        shot("model");
        // an API refusal is shown, not swallowed: a search no index serves
        go("#/search");
        visible(By.name("minScore")).sendKeys("0.5");
        browser.findElement(By.cssSelector("#sf button")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("error"), "indexed_filter"));
    }
}
