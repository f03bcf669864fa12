package io.fedflow.node.board;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.core.Limits;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.LocalJobs;
import io.fedflow.node.testing.NodeExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The component page's JSON over a real node that ran the local breast job (Reader, DataTransform,
 * FeatureScale, LR, Evaluation): what it answers is what FATE's /v1/tracking answers for the same component,
 * paged and capped as the board reads it.
 */
class BoardComponentApiTest {
    static final int PAGE_CAP = 50;
    static final int LOG_LINES = 3;

    @RegisterExtension
    static final NodeExtension node = NodeExtension.builder().configure(b -> b.limits(Limits.builder()
            .maxBoardPageRows(PAGE_CAP).maxBoardLogLines(LOG_LINES).build())).build();

    static String jobId;

    @BeforeAll
    static void train() {
        jobId = LocalJobs.trainBreast(node.http());
    }

    static JsonNode board(String path) {
        FlowHttp h = node.http();
        try {
            return FlowHttp.JSON.readTree(h.send(HttpRequest.newBuilder(URI.create(h.base() + "/board/api/" + path))
                    .build()).body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The board's answer's data, failing with the envelope when it is a refusal. */
    static JsonNode ok(String path) {
        JsonNode answer = board(path);
        assertThat(answer.path("retcode").asInt(-1)).as(path + " -> " + answer).isZero();
        return answer.path("data");
    }

    static String component(String name) {
        return "jobs/" + jobId + "/components/" + name;
    }

    static JsonNode tracking(String call, String component) {
        JsonNode answer = node.http().post("/v1/tracking/component/" + call, Map.of("job_id", jobId, "role", "local",
                "party_id", "0", "component_name", component));
        assertThat(answer.path("retcode").asInt(-1)).as(answer.toString()).isZero();
        return answer;
    }

    static JsonNode metric(JsonNode metrics, String type) {
        for (JsonNode m : metrics.path("metrics")) {
            if (m.path("type").asText().equals(type)) {
                return m;
            }
        }
        throw new AssertionError("no " + type + " metric in " + metrics);
    }

    /**
     * A metric's points with every number as a double: /v1 answers through protobuf's Value, which prints a
     * whole double as 0 where the board prints 0.0.
     */
    static List<List<Object>> points(JsonNode data) {
        List<List<Object>> out = new ArrayList<>();
        data.forEach(p -> {
            List<Object> point = new ArrayList<>();
            p.forEach(v -> point.add(v.isNumber() ? (Object) v.asDouble() : v.asText()));
            out.add(point);
        });
        return out;
    }

    @Test
    void theComponentPageAndItsScriptAreServed() {
        FlowHttp h = node.http();
        var page = h.send(HttpRequest.newBuilder(URI.create(h.base() + "/board/component.html")).build());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("component.js", "lib/echarts/echarts.min.js", "id=\"data-preview\"",
                "id=\"log\"");
        var script = h.send(HttpRequest.newBuilder(URI.create(h.base() + "/board/component.js")).build());
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.body()).contains("echarts.init", "loss-chart", "roc-chart", "threshold");
    }

    @Test
    void aComponentAnswersItsModuleStatusUpstreamAndTheParametersTrackingHas() {
        JsonNode c = ok(component("lr_0") + "?role=local&party_id=0");
        assertThat(c.path("name").asText()).isEqualTo("lr_0");
        assertThat(c.path("module").asText()).isEqualTo("LR");
        assertThat(c.path("status").asText()).isEqualTo("success");
        assertThat(c.path("upstream").toString()).isEqualTo("[\"feature_scale_0\"]");
        assertThat(c.path("parameters")).isEqualTo(tracking("parameters", "lr_0").at("/data/ComponentParam"));
        assertThat(c.path("parameters").path("max_iter").asInt()).isEqualTo(10);

        // without role and party the initiator's (local 0) is meant, as FATE's tracking reads
        JsonNode defaulted = ok(component("evaluation_0"));
        assertThat(defaulted.path("role").asText()).isEqualTo("local");
        assertThat(defaulted.path("party_id").asText()).isEqualTo("0");
        assertThat(defaulted.path("upstream").toString()).isEqualTo("[\"lr_0\"]");
        assertThat(ok(component("reader_0")).path("upstream")).isEmpty();
    }

    @Test
    void theLossHasOnePointPerIterationWithTheNumbersMetricAllHas() {
        JsonNode loss = metric(ok(component("lr_0") + "/metrics?role=local&party_id=0"), "LOSS");
        int iterations = tracking("output/model", "lr_0").at("/data/iters").asInt();
        assertThat(iterations).isBetween(1, 10);
        assertThat(loss.path("data")).hasSize(iterations);
        for (int i = 0; i < iterations; i++) {
            assertThat(loss.path("data").get(i).get(0).asInt()).isEqualTo(i);
        }
        JsonNode tracked = tracking("metric/all", "lr_0").at("/data/train/loss");
        assertThat(loss.path("namespace").asText()).isEqualTo("train");
        assertThat(loss.path("name").asText()).isEqualTo("loss");
        assertThat(points(loss.path("data"))).isEqualTo(points(tracked.path("data")));
        assertThat(loss.path("meta")).isEqualTo(tracked.path("meta"));
    }

    @Test
    void theEvaluationsCurvesAndAucAreItsTrackedNumbers() {
        JsonNode metrics = ok(component("evaluation_0") + "/metrics?role=local&party_id=0");
        JsonNode all = tracking("metric/all", "evaluation_0").path("data");
        JsonNode roc = metric(metrics, "ROC_EVALUATION");
        assertThat(roc.path("data").size()).isGreaterThan(2);
        assertThat(points(roc.path("data"))).isEqualTo(points(all.path(roc.path("namespace").asText())
                .path(roc.path("name").asText()).path("data")));
        JsonNode summary = metric(metrics, "EVALUATION_SUMMARY");
        double auc = Double.NaN;
        for (JsonNode p : summary.path("data")) {
            if (p.get(0).asText().equals("auc")) {
                auc = p.get(1).asDouble();
            }
        }
        double trackedAuc = Double.NaN;
        for (JsonNode p : all.path("train").path("lr_0").path("data")) {
            if (p.get(0).asText().equals("auc")) {
                trackedAuc = p.get(1).asDouble();
            }
        }
        assertThat(auc).isEqualTo(trackedAuc).isBetween(0.0, 1.0);
        // every curve the page draws is there, each as tracked
        for (String type : List.of("KS_EVALUATION", "LIFT_EVALUATION", "GAIN_EVALUATION", "PRECISION_EVALUATION",
                "RECALL_EVALUATION", "CONFUSION_MAT_EVALUATION")) {
            JsonNode m = metric(metrics, type);
            assertThat(points(m.path("data"))).as(type).isEqualTo(points(all.path(m.path("namespace").asText())
                    .path(m.path("name").asText()).path("data")));
        }
        JsonNode confusion = metric(metrics, "CONFUSION_MAT_EVALUATION").path("meta");
        assertThat(confusion.path("tp").size()).isEqualTo(confusion.path("thresholds").size()).isPositive();
        // a component that tracked nothing answers no metric, not a refusal
        assertThat(ok(component("feature_scale_0") + "/metrics").path("metrics")).isEmpty();
    }

    @Test
    void theModelSummaryHasTheWeightsAndInterceptTheModelHas() {
        JsonNode summary = ok(component("lr_0") + "/model?role=local&party_id=0");
        JsonNode param = tracking("output/model", "lr_0").path("data");
        assertThat(summary.path("has_model").asBoolean()).isTrue();
        assertThat(summary.path("module").asText()).isEqualTo("LR");
        assertThat(summary.path("weights")).isEqualTo(param.path("weight"));
        assertThat(summary.path("weights").size()).isEqualTo(param.path("header").size()).isPositive();
        assertThat(summary.path("intercept")).isEqualTo(param.path("intercept"));
        JsonNode none = ok(component("evaluation_0") + "/model");
        assertThat(none.path("has_model").asBoolean()).isFalse();
        assertThat(none.has("weights")).isFalse();
    }

    @Test
    void theOutputDataPagesThroughTheTableWithItsTotal() {
        String data = component("lr_0") + "/data?role=local&party_id=0&limit=20";
        JsonNode first = ok(data + "&page=1");
        JsonNode second = ok(data + "&page=2");
        JsonNode preview = tracking("output/data", "lr_0");
        assertThat(first.path("total").asLong()).isEqualTo(preview.at("/meta/total/0").asLong()).isEqualTo(569);
        assertThat(first.path("header")).isEqualTo(preview.at("/meta/header/0"));
        assertThat(first.path("rows")).hasSize(20);
        assertThat(second.path("rows")).hasSize(20);
        assertThat(second.path("page").asInt()).isEqualTo(2);
        List<JsonNode> expected = new ArrayList<>();
        preview.at("/data/0").forEach(expected::add);
        List<JsonNode> paged = new ArrayList<>();
        first.path("rows").forEach(paged::add);
        second.path("rows").forEach(paged::add);
        assertThat(paged).isEqualTo(expected.subList(0, 40));
        assertThat(first.path("rows").get(0)).isNotEqualTo(second.path("rows").get(0));
        // the last page holds the rest, past it nothing
        JsonNode last = ok(component("lr_0") + "/data?limit=" + PAGE_CAP + "&page=" + (569 / PAGE_CAP + 1));
        assertThat(last.path("rows")).hasSize(569 % PAGE_CAP);
        assertThat(ok(component("lr_0") + "/data?limit=20&page=100").path("rows")).isEmpty();
    }

    @Test
    void aPageOverTheCapOrOutOfRangeIsRefusedNamingWhatIsWrong() {
        JsonNode over = board(component("lr_0") + "/data?limit=" + (PAGE_CAP + 1));
        assertThat(over.path("retcode").asInt()).isNotZero();
        assertThat(over.path("retmsg").asText()).contains(Limits.MAX_BOARD_PAGE_ROWS_FLAG, String.valueOf(PAGE_CAP));
        JsonNode page0 = board(component("lr_0") + "/data?page=0");
        assertThat(page0.path("retcode").asInt()).isNotZero();
        assertThat(page0.path("retmsg").asText()).contains("page");
        JsonNode limit0 = board(component("lr_0") + "/data?limit=0");
        assertThat(limit0.path("retcode").asInt()).isNotZero();
        assertThat(limit0.path("retmsg").asText()).contains("limit");
        JsonNode dataName = board(component("lr_0") + "/data?data_name=nope");
        assertThat(dataName.path("retcode").asInt()).isNotZero();
        assertThat(dataName.path("retmsg").asText()).contains("nope");
    }

    @Test
    void theLogReadsOnFromEachNextOffsetToTheComponentsEnd() throws IOException {
        Path file = node.config().logsDir().resolve(jobId).resolve("local/0/lr_0/INFO.log");
        List<String> written = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(written.size()).isGreaterThan(LOG_LINES);

        JsonNode first = ok(component("lr_0") + "/log?role=local&party_id=0&offset=0");
        assertThat(first.path("lines")).hasSize(LOG_LINES);
        assertThat(first.path("ended").asBoolean()).as("more lines to read").isFalse();
        long next = first.path("next_offset").asLong();
        assertThat(next).isEqualTo(String.join("\n", written.subList(0, LOG_LINES)).getBytes(StandardCharsets.UTF_8)
                .length + 1);
        JsonNode second = ok(component("lr_0") + "/log?offset=" + next);
        assertThat(second.path("lines").get(0).asText()).isEqualTo(written.get(LOG_LINES));

        List<String> read = new ArrayList<>();
        long offset = 0;
        JsonNode answer;
        int reads = 0;
        do {
            answer = ok(component("lr_0") + "/log?offset=" + offset);
            answer.path("lines").forEach(l -> read.add(l.asText()));
            offset = answer.path("next_offset").asLong();
            reads++;
        } while (!answer.path("ended").asBoolean() && reads < 1000);
        assertThat(read).isEqualTo(written);
        assertThat(offset).isEqualTo(Files.size(file));
        assertThat(answer.path("status").asText()).isEqualTo("success");
        // read again from the end: nothing more, still ended
        JsonNode atEnd = ok(component("lr_0") + "/log?offset=" + offset);
        assertThat(atEnd.path("lines")).isEmpty();
        assertThat(atEnd.path("ended").asBoolean()).isTrue();
    }

    @Test
    void anOffsetOutsideTheLogIsRefused() throws IOException {
        long size = Files.size(node.config().logsDir().resolve(jobId).resolve("local/0/lr_0/INFO.log"));
        JsonNode negative = board(component("lr_0") + "/log?offset=-1");
        assertThat(negative.path("retcode").asInt()).isNotZero();
        assertThat(negative.path("retmsg").asText()).contains("offset");
        JsonNode past = board(component("lr_0") + "/log?offset=" + (size + 1));
        assertThat(past.path("retcode").asInt()).isNotZero();
        assertThat(past.path("retmsg").asText()).contains("offset", String.valueOf(size + 1));
    }

    @Test
    void anUnknownJobOrComponentIsRefusedNamingIt() {
        for (String part : List.of("", "/metrics", "/model", "/data", "/log")) {
            JsonNode job = board("jobs/202001010000000000000/components/lr_0" + part);
            assertThat(job.path("retcode").asInt()).as(part).isNotZero();
            assertThat(job.path("retmsg").asText()).as(part).contains("202001010000000000000");
            JsonNode cpn = board(component("no_such_0") + part);
            assertThat(cpn.path("retcode").asInt()).as(part).isNotZero();
            assertThat(cpn.path("retmsg").asText()).as(part).contains("no_such_0", jobId);
        }
        JsonNode party = board(component("lr_0") + "?role=local&party_id=42");
        assertThat(party.path("retcode").asInt()).isNotZero();
        assertThat(party.path("retmsg").asText()).contains("lr_0", "42");
    }

    @Test
    void namesLeadingOutOfTheJobsLogDirectoryAreRefused() throws IOException {
        // a file next to the job's log directory that a traversal would reach
        Path outside = node.config().logsDir().resolve("x");
        Files.writeString(outside, "not this job's\n");
        Path sibling = node.config().logsDir().resolve(jobId).resolve("local/0/x/INFO.log");
        Files.createDirectories(sibling.getParent());
        Files.writeString(sibling, "not a component's\n");
        for (String name : List.of("..%2Fx", "..%2F..%2F..%2Fx", "%2E%2E", "x%2F..%2Flr_0")) {
            JsonNode answer = board(component(name) + "/log?role=local&party_id=0");
            assertThat(answer.path("retcode").asInt()).as(name + " -> " + answer).isNotZero();
            assertThat(answer.toString()).doesNotContain("not this job's", "not a component's");
        }
        JsonNode answer = board(component("x") + "/log?role=local&party_id=0");
        assertThat(answer.path("retcode").asInt()).as("a directory that is no component of the job").isNotZero();
        assertThat(answer.path("retmsg").asText()).contains("no component x");
        for (String query : List.of("role=..%2F..&party_id=0", "role=local&party_id=..%2F..%2F..",
                "role=local%2F0%2Flr_0%2F..%2F..%2F..&party_id=0")) {
            JsonNode r = board(component("lr_0") + "/log?" + query);
            assertThat(r.path("retcode").asInt()).as(query + " -> " + r).isNotZero();
            assertThat(r.toString()).doesNotContain("not this job's", "not a component's");
        }
    }
}
