package io.fedflow.node.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;

/**
 * A HeteroLR and a HeteroFeatureBinning model trained in one job on breast_hetero between two real sites of
 * {@code SitesExtension.breastHetero()} (guest 9999, host and arbiter 10000), for the tests of what is done with
 * trained models' parts (hetero merge, WOE arrays) over the API and the CLI.
 */
public final class HeteroModels {
    public static final String MODEL_ID = "arbiter-10000#guest-9999#host-10000#model";
    public static final String LR = "hetero_lr_0";
    public static final String BINNING = "hetero_feature_binning_0";
    static final String DSL = """
            {"components": {
              "reader_0": {"module": "Reader", "output": {"data": ["data"]}},
              "data_transform_0": {"module": "DataTransform", "input": {"data": {"data": ["reader_0.data"]}},
                                   "output": {"data": ["data"], "model": ["model"]}},
              "hetero_feature_binning_0": {"module": "HeteroFeatureBinning",
                  "input": {"data": {"data": ["data_transform_0.data"]}}, "output": {"data": ["data"], "model": ["model"]}},
              "hetero_lr_0": {"module": "HeteroLR", "input": {"data": {"train_data": ["data_transform_0.data"]}},
                              "output": {"data": ["data"], "model": ["model"]}}}}""";
    static final String CONF = """
            {"dsl_version": 2, "initiator": {"role": "guest", "party_id": 9999},
             "role": {"guest": [9999], "host": [10000], "arbiter": [10000]},
             "job_parameters": {"common": {"task_cores": 1}},
             "component_parameters": {
               "common": {"hetero_lr_0": {"penalty": "L2", "optimizer": "rmsprop", "alpha": 0.01, "max_iter": 3,
                                          "batch_size": 320, "learning_rate": 0.15},
                          "hetero_feature_binning_0": {"bin_num": 6, "transform_param": {"transform_type": null}}},
               "role": {
                 "guest": {"0": {"reader_0": {"table": {"name": "breast_hetero_guest", "namespace": "experiment"}},
                                 "data_transform_0": {"with_label": true, "label_name": "y", "label_type": "int"}}},
                 "host": {"0": {"reader_0": {"table": {"name": "breast_hetero_host", "namespace": "experiment"}},
                                "data_transform_0": {"with_label": false}}}}}}""";

    private HeteroModels() {}

    /** Trains both models; returns the job id (the model version), once both sites' registries hold the model. */
    public static String train(TestNode guest, TestNode host) {
        JsonNode r = guest.submit(DSL, CONF);
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
        String jobId = r.get("jobId").asText();
        assertThat(guest.awaitStatus(jobId, Duration.ofMinutes(6), FederatedSites.END)).as(jobId).isEqualTo("success");
        assertThat(host.awaitStatus(jobId, Duration.ofSeconds(60), FederatedSites.END)).isEqualTo("success");
        for (TestNode site : List.of(guest, host)) {
            Awaitility.await().atMost(Duration.ofMinutes(1)).until(() -> site.http().post("/v1/model/query",
                    Map.of("model_version", jobId, "role", site == guest ? "guest" : "host")).get("retcode")
                    .asInt() == 0);
        }
        return jobId;
    }

    /** The host hands its part over as FATE's users do: exported there, imported at the guest. */
    public static void handHostModelToGuest(TestNode guest, TestNode host, String version) {
        Map<String, String> ref = new LinkedHashMap<>(Map.of("role", "host", "party_id", host.partyId(),
                "model_id", MODEL_ID, "model_version", version));
        HttpResponse<byte[]> exported = host.http().getWithBody("/v1/model/export", ref);
        assertThat(exported.statusCode()).isEqualTo(200);
        HttpResponse<String> imported = guest.http().pythonModelImport(ref, "model.zip", exported.body());
        try {
            assertThat(FlowHttp.JSON.readTree(imported.body()).get("retcode").asInt()).as(imported.body()).isZero();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A component's output model (its Param) at one party of the train job. */
    public static JsonNode model(TestNode site, String jobId, String role, String component) {
        JsonNode r = site.http().post("/v1/tracking/component/output/model", Map.of("job_id", jobId, "role", role,
                "party_id", site.partyId(), "component_name", component));
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
        return r.get("data");
    }

    /** The guest's predict_score of every training row, by id, as the federated train job scored them. */
    public static Map<String, Double> scores(TestNode guest, String jobId) {
        JsonNode out = guest.http().post("/v1/tracking/component/output/data", Map.of("job_id", jobId,
                "role", "guest", "party_id", guest.partyId(), "component_name", LR, "limit", 1000));
        assertThat(out.get("retcode").asInt()).as(out.toString()).isZero();
        List<?> header = FlowHttp.JSON.convertValue(out.at("/meta/header/0"), List.class);
        int score = header.indexOf("predict_score");
        assertThat(score).as(header.toString()).isPositive();
        Map<String, Double> byId = new HashMap<>();
        out.at("/data/0").forEach(row -> byId.put(row.get(0).asText(), row.get(score).asDouble()));
        return byId;
    }

    /** The feature values of examples/data/{name}.csv by id (the columns after id, and after y at the guest). */
    public static Map<String, double[]> features(String name) {
        try {
            List<String> lines = Files.readAllLines(Path.of("../examples/data/" + name + ".csv"),
                    StandardCharsets.UTF_8);
            List<String> header = List.of(lines.get(0).split(","));
            int first = header.contains("y") ? 2 : 1;
            Map<String, double[]> byId = new HashMap<>();
            for (String line : lines.subList(1, lines.size())) {
                String[] cells = line.split(",");
                double[] x = new double[cells.length - first];
                for (int j = 0; j < x.length; j++) {
                    x[j] = Double.parseDouble(cells[first + j]);
                }
                byId.put(cells[0], x);
            }
            return byId;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
