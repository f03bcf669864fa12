package io.fedflow.node.board;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.core.ClientAppKeys;
import io.fedflow.node.testing.Browser;
import io.fedflow.node.testing.FederatedSites;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.NodeExtension;
import io.fedflow.node.testing.SitesExtension;
import io.fedflow.node.testing.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The board in a real browser (headless Chromium through Debian's chromedriver): the breast pipeline of
 * examples/breast_pipeline_*.json (Reader, DataIO, Intersection, HeteroFeatureBinning, HeteroFeatureSelection,
 * HeteroLR, Evaluation) runs across two real sites (guest 9999; host and arbiter 10000), then each page is
 * read through the DOM hooks the board promises and compared with what /v1 says of the same job. Every page
 * checked leaves a screenshot under target/board-screenshots/.
 */
class BoardBrowserTest {
    static final String APP_KEY = "board-user";
    static final String SECRET = "board-secret-0123456789";
    static final String LR = "hetero_lr_0";
    static final String EVALUATION = "evaluation_0";
    static final String INTERSECTION = "intersection_0";

    @RegisterExtension
    static final SitesExtension sites = SitesExtension.breastHetero().build();
    @RegisterExtension
    static final NodeExtension guarded = NodeExtension.builder()
            .configure(b -> b.clientAuth(true).clientAppKeys(ClientAppKeys.of(APP_KEY, SECRET))).build();
    @RegisterExtension
    static final Browser browser = Browser.headless();
    static final TestNode guest = sites.site("9999");
    static final TestNode host = sites.site("10000");

    static String dsl;
    static String conf;
    static String jobId;

    @BeforeAll
    static void runTheBreastPipeline() throws Exception {
        dsl = Files.readString(Path.of("../examples/breast_pipeline_dsl.json"));
        // The example's 30 iterations at 1024-bit Paillier take minutes on a loaded machine; 5 at 512 bits draw
        // the same kind of curve.
        conf = Files.readString(Path.of("../examples/breast_pipeline_conf.json"))
                .replace("\"max_iter\": 30,", "\"max_iter\": 5, \"encrypt_param\": {\"key_length\": 512},")
                .replace("{\"transform_type\": null}", "{\"transform_type\": null}, \"encrypt_param\": "
                        + "{\"key_length\": 512}");
        assertThat(conf).contains("\"max_iter\": 5", "\"encrypt_param\": {\"key_length\": 512}}");
        jobId = submit(conf);
        assertThat(guest.awaitStatus(jobId, Duration.ofMinutes(5), FederatedSites.END)).isEqualTo("success");
        assertThat(host.awaitStatus(jobId, Duration.ofMinutes(1), FederatedSites.END)).isEqualTo("success");
    }

    static String submit(String runtimeConf) {
        JsonNode r = guest.submit(dsl, runtimeConf);
        assertThat(r.path("retcode").asInt()).as(r.toString()).isZero();
        return r.path("jobId").asText();
    }

    static String page(TestNode site, String page) {
        return site.http().base() + "/board/" + page;
    }

    static String componentPage(TestNode site, String job, String role, String component) {
        return page(site, "component.html?job_id=" + job + "&role=" + role + "&party_id=" + site.partyId()
                + "&component=" + component);
    }

    static JsonNode metrics(TestNode site, String role, String component) {
        JsonNode all = site.http().post("/v1/tracking/component/metric/all", Map.of("job_id", jobId, "role", role,
                "party_id", site.partyId(), "component_name", component));
        assertThat(all.path("retcode").asInt()).as(all.toString()).isZero();
        return all.path("data");
    }

    /** A series' points as [x, y] pairs, whether ECharts holds them as arrays or as {value: [x, y]}. */
    static List<List<Double>> points(JsonNode data) {
        List<List<Double>> out = new ArrayList<>();
        for (JsonNode item : data) {
            JsonNode pair = item.isArray() ? item : item.path("value");
            out.add(List.of(pair.get(0).asDouble(), pair.get(1).asDouble()));
        }
        return out;
    }

    @Test
    void theJobsPageListsTheJobWithItsStatusAndLinksToItsPage() {
        browser.open(page(guest, ""), "jobs");
        WebElement row = browser.one("table#jobs tbody tr[data-job-id='" + jobId + "']");
        assertThat(row.findElement(By.cssSelector("td.status")).getText()).isEqualTo("success");
        assertThat(row.findElement(By.cssSelector("td.progress")).getText()).contains("100");
        row.findElement(By.cssSelector("a.job-link")).click();
        browser.awaitReady();
        assertThat(browser.driver().getCurrentUrl()).contains("job.html").contains("job_id=" + jobId);
        assertThat(browser.one("#job-status").getText()).isEqualTo("success");
    }

    @Test
    void theJobPageDrawsTheDagWithEveryComponentsStatusAsTaskQueryHasIt() throws Exception {
        browser.open(page(guest, "job.html?job_id=" + jobId + "&role=guest&party_id=9999"), "job-dag");
        assertThat(browser.one("#job-status").getText()).isEqualTo("success");

        Map<String, String> tracked = new TreeMap<>();
        guest.tasks(jobId, Map.of("role", "guest")).forEach(t -> tracked.put(t.path("f_component_name").asText(),
                t.path("f_status").asText()));
        Map<String, String> listed = new TreeMap<>();
        for (WebElement li : browser.all("ul#components li[data-component][data-status]")) {
            listed.put(li.getAttribute("data-component"), li.getAttribute("data-status"));
        }
        Set<String> components = dslComponents();
        assertThat(tracked.keySet()).isEqualTo(components);
        assertThat(listed).isEqualTo(tracked);
        assertThat(new HashSet<>(listed.values())).containsExactly("success");
        assertThat(browser.all("ul#components a.component-link")).hasSameSizeAs(components);

        JsonNode graph = browser.chartOption("dag").path("series").path(0);
        assertThat(graph.path("type").asText()).isEqualTo("graph");
        Set<String> nodes = new HashSet<>();
        graph.path("data").forEach(n -> nodes.add(n.path("name").asText()));
        assertThat(graph.path("data")).hasSize(components.size());
        assertThat(nodes).isEqualTo(components);
        JsonNode links = graph.has("links") ? graph.path("links") : graph.path("edges");
        Set<String> edges = new HashSet<>();
        links.forEach(l -> edges.add(l.path("source").asText() + "->" + l.path("target").asText()));
        assertThat(edges).isEqualTo(dslEdges());

        Map<String, String> parties = new TreeMap<>();
        for (WebElement tr : browser.all("table#parties tr[data-role][data-party-id]")) {
            parties.put(tr.getAttribute("data-role") + " " + tr.getAttribute("data-party-id"),
                    tr.findElement(By.cssSelector("td.status")).getText());
        }
        assertThat(parties).isEqualTo(Map.of("guest 9999", "success", "host 10000", "success",
                "arbiter 10000", "success"));
        assertThat(browser.one("pre#dsl").getText()).contains("hetero_feature_selection_0", "isometric_model");
        assertThat(browser.one("pre#conf").getText()).contains("breast_hetero_guest", "\"max_iter\"");
    }

    @Test
    void theHeteroLrLossChartHasOnePointPerIterationAsTracked() {
        // HeteroLR tracks its loss at the arbiter, so the arbiter's site draws the curve.
        browser.open(componentPage(host, jobId, "arbiter", LR), "hetero-lr-loss", "#loss-chart");
        JsonNode loss = metrics(host, "arbiter", LR).path("train").path("loss");
        List<List<Double>> tracked = points(loss.path("data"));
        assertThat(tracked).as(loss.toString()).hasSizeBetween(1, 5);
        for (int i = 0; i < tracked.size(); i++) {
            assertThat(tracked.get(i).get(0)).as("iteration of point " + i).isEqualTo((double) i);
        }
        assertThat(points(browser.chartSeries("loss-chart", 0))).isEqualTo(tracked);
    }

    @Test
    void theEvaluationPageShowsTheTrackedRocCurveAndAuc() {
        browser.open(componentPage(guest, jobId, "guest", EVALUATION), "evaluation-roc", "#roc-chart");
        JsonNode train = metrics(guest, "guest", EVALUATION).path("train");
        Double auc = null;
        for (JsonNode p : train.path(LR).path("data")) {
            if ("auc".equals(p.get(0).asText())) {
                auc = p.get(1).asDouble();
            }
        }
        assertThat(auc).as(train.toString()).isNotNull().isGreaterThan(0.9);
        WebElement shown = browser.one("#auc[data-value]");
        assertThat(Double.parseDouble(shown.getAttribute("data-value"))).isEqualTo(auc);
        assertThat(shown.getText()).isNotBlank();
        List<List<Double>> roc = points(train.path(LR + "_roc").path("data"));
        assertThat(roc).hasSizeGreaterThan(2);
        assertThat(points(browser.chartSeries("roc-chart", 0))).isEqualTo(roc);
    }

    @Test
    void theOutputDataPreviewPagesForwardAndBack() {
        browser.open(componentPage(guest, jobId, "guest", INTERSECTION), "intersection-data-page-1",
                "table#data-preview");
        JsonNode out = guest.http().post("/v1/tracking/component/output/data", Map.of("job_id", jobId,
                "role", "guest", "party_id", "9999", "component_name", INTERSECTION, "limit", 1));
        int total = out.at("/meta/total/0").asInt();
        assertThat(total).as(out.toString()).isEqualTo(569);
        int pages = (total + 19) / 20;
        assertThat(browser.one("#data-page").getText()).isEqualTo("page 1 of " + pages);
        List<String> first = firstCells();
        assertThat(first).hasSize(20).doesNotHaveDuplicates();

        browser.one("#data-next").click();
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> browser.one("#data-page").getText().equals("page 2 of " + pages));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !firstCells().equals(first));
        browser.screenshot("intersection-data-page-2", "table#data-preview");
        List<String> second = firstCells();
        assertThat(second).hasSize(20).doesNotContainAnyElementsOf(first);

        browser.one("#data-prev").click();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> firstCells().equals(first));
        assertThat(browser.one("#data-page").getText()).isEqualTo("page 1 of " + pages);
    }

    static List<String> firstCells() {
        List<String> ids = new ArrayList<>();
        for (WebElement tr : browser.all("table#data-preview tbody tr")) {
            ids.add(tr.findElement(By.cssSelector("td")).getText());
        }
        return ids;
    }

    @Test
    void theLogOfARunningComponentGrowsUntilItEndsThenStopsFollowing() throws Exception {
        // A second, shorter run of the pipeline; the page opens while its HeteroLR has not started yet.
        String running = submit(conf.replace("\"max_iter\": 5,", "\"max_iter\": 2,"));
        browser.open(componentPage(guest, running, "guest", LR), "log-following", "pre#log");
        String opened = guest.tasks(running, Map.of("component_name", LR, "role", "guest")).path(0)
                .path("f_status").asText();
        assertThat(opened).as("HeteroLR had not ended when the page opened").isNotIn(FederatedSites.END);
        WebElement log = browser.one("pre#log");
        assertThat(log.getAttribute("data-following")).isEqualTo("true");
        int linesAtFirst = lines(log.getText()).size();

        assertThat(guest.awaitStatus(running, Duration.ofMinutes(3), FederatedSites.END)).isEqualTo("success");
        Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> "false".equals(browser.one("pre#log").getAttribute("data-following")));
        browser.screenshot("log-followed", "pre#log");
        List<String> shown = lines(browser.one("pre#log").getText());
        assertThat(shown.size()).as("lines shown at the end vs at first").isGreaterThan(linesAtFirst);
        List<String> written = lines(Files.readString(guest.config().logsDir().resolve(running).resolve("guest")
                .resolve("9999").resolve(LR).resolve("INFO.log")));
        assertThat(written).isNotEmpty();
        assertThat(String.join("\n", shown)).contains(written.get(written.size() - 1).strip());
    }

    static List<String> lines(String text) {
        return text.lines().filter(l -> !l.isBlank()).toList();
    }

    @Test
    void withClientAuthenticationTheBoardAsksForTheAppKeyThenShowsTheJobs() {
        browser.driver().get(guarded.http().base() + "/board/");
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> browser.driver().getCurrentUrl().contains("login.html"));
        browser.awaitReady();
        browser.screenshot("login");
        browser.one("input#app-key").sendKeys(APP_KEY);
        browser.one("input#secret").sendKeys("not-the-secret");
        browser.one("button#login").click();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> browser.one("#login-error").isDisplayed()
                && !browser.one("#login-error").getText().isBlank());
        browser.screenshot("login-refused");

        browser.one("input#secret").clear();
        browser.one("input#secret").sendKeys(SECRET);
        browser.one("button#login").click();
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> !browser.driver().getCurrentUrl().contains("login.html"));
        browser.awaitReady();
        browser.screenshot("jobs-after-login");
        assertThat(browser.driver().getCurrentUrl()).doesNotContain("login.html");
        assertThat(browser.all("table#jobs")).hasSize(1);
    }

    /** The components of the pipeline's DSL. */
    static Set<String> dslComponents() throws Exception {
        Set<String> names = new HashSet<>();
        FlowHttp.JSON.readTree(dsl).path("components").fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** upstream->component for every input the DSL names ("x.data", "x.model"), once per pair. */
    static Set<String> dslEdges() throws Exception {
        Set<String> edges = new HashSet<>();
        JsonNode components = FlowHttp.JSON.readTree(dsl).path("components");
        for (Iterator<Map.Entry<String, JsonNode>> it = components.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> c = it.next();
            collectInputs(c.getValue().path("input"), c.getKey(), edges);
        }
        return edges;
    }

    private static void collectInputs(JsonNode input, String component, Set<String> edges) {
        if (input.isTextual()) {
            edges.add(input.asText().substring(0, input.asText().indexOf('.')) + "->" + component);
        }
        input.forEach(child -> collectInputs(child, component, edges));
    }
}
