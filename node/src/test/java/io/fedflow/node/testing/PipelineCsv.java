package io.fedflow.node.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;

/**
 * Output data as FATE's client and pipeline read it: the tar.gz of /v1/tracking/component/output/data/download
 * (a GET with a JSON body), and a prediction CSV parsed step by step as {@code JobInvoker.to_pandas} does:
 * the first line skipped, each row split on ',', predict_detail the columns between predict_score and type
 * joined back with ',' and its single quotes made double, then read as JSON.
 */
public final class PipelineCsv {
    /** FATE's prediction header, after the id column. */
    public static final List<String> PREDICTION_HEADER =
            List.of("label", "predict_result", "predict_score", "predict_detail", "type");

    /** One row as the pipeline's DataFrame holds it; {@code line} is the CSV line it came from. */
    public record Prediction(String id, String label, String result, String score, JsonNode detail, String type,
                             String line) {}

    private PipelineCsv() {}

    /** The archive's entries; fails unless the answer is HTTP 200. */
    public static Map<String, byte[]> download(FlowHttp h, Map<String, ?> body) {
        try {
            HttpResponse<byte[]> r = h.client().send(HttpRequest.newBuilder(
                            URI.create(h.base() + "/v1/tracking/component/output/data/download"))
                    .header("Content-Type", "application/json")
                    .method("GET", HttpRequest.BodyPublishers.ofString(FlowHttp.JSON.writeValueAsString(body)))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
            return TarReader.read(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The prediction rows of {@code <dataName>.csv}, checking its .meta is FATE's prediction header. */
    public static List<Prediction> predictions(Map<String, byte[]> entries, String dataName) {
        List<String> meta = new ArrayList<>();
        try {
            FlowHttp.JSON.readTree(entries.get(dataName + ".meta")).path("header").forEach(h -> meta.add(h.asText()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // JobInvoker.is_normal_predict_task
        assertThat(meta).hasSize(6);
        assertThat(meta.subList(1, 6)).isEqualTo(PREDICTION_HEADER);
        List<String> lines = new String(entries.get(dataName + ".csv"), StandardCharsets.UTF_8).lines().toList();
        assertThat(lines.get(0)).isEqualTo(String.join(",", meta));
        List<Prediction> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cols = line.split(",", -1);
            assertThat(cols.length).as(line).isGreaterThanOrEqualTo(meta.size());
            String detail = String.join(",", Arrays.copyOfRange(cols, meta.size() - 2, cols.length - 1))
                    .replace('\'', '"');
            try {
                rows.add(new Prediction(cols[0], cols[1], cols[2], cols[3], FlowHttp.JSON.readTree(detail),
                        cols[cols.length - 1], line));
            } catch (JsonProcessingException e) {
                throw new AssertionError("predict_detail of " + line + " is no JSON once its quotes are swapped", e);
            }
        }
        return rows;
    }

    /** A binary prediction (LR, HeteroLR) as FATE writes it: the pipeline's parse gives back every field. */
    public static void assertBinary(Prediction p, String type) {
        double score = Double.parseDouble(p.score());
        assertThat(p.id()).as(p.line()).isNotEmpty();
        assertThat(p.label()).as(p.line()).isIn("0", "1");
        assertThat(p.result()).as(p.line()).isEqualTo(score > 0.5 ? "1" : "0");
        assertThat(score).as(p.line()).isBetween(0.0, 1.0);
        assertThat(p.detail().size()).as(p.line()).isEqualTo(2);
        assertThat(p.detail().get("1").asDouble()).as(p.line()).isEqualTo(score);
        assertThat(p.detail().get("0").asDouble() + p.detail().get("1").asDouble()).as(p.line())
                .isCloseTo(1.0, Offset.offset(1e-9));
        assertThat(p.type()).as(p.line()).isEqualTo(type);
        // FATE writes str(dict): "{'0': 0.1, '1': 0.9}", unquoted, a space after ':' and ','
        assertThat(p.line()).contains(",{'0': ").contains(", '1': ").doesNotContain("\"").doesNotContain("\t");
    }
}
