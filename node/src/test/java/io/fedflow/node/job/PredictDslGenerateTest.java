package io.fedflow.node.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.testing.LocalJobs;
import io.fedflow.node.testing.NodeExtension;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * /v1/job/dsl/generate over HTTP as FATE's client calls it (train_dsl as a JSON string, cpn_str a list or
 * "a,b"), on the local LR job's DSL: FATE's deploy_component rules, in particular the top data input
 * erased when the Reader is not kept.
 */
class PredictDslGenerateTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();

    @Test
    void withoutTheReaderTheTopComponentHasNoDataInput() {
        JsonNode dsl = generate(LocalJobs.DSL, List.of("data_transform_0", "feature_scale_0", "lr_0", "evaluation_0"));
        assertThat(dsl.at("/components/data_transform_0/input").toString())
                .isEqualTo("{\"model\":[\"pipeline.data_transform_0.model\"]}");
        assertThat(dsl.at("/components/feature_scale_0/input/data/data").toString())
                .isEqualTo("[\"data_transform_0.data\"]");
        assertThat(dsl.at("/components/lr_0/input/data").toString())
                .isEqualTo("{\"test_data\":[\"feature_scale_0.data\"]}");
        assertThat(dsl.at("/components/lr_0/input/model").toString()).isEqualTo("[\"pipeline.lr_0.model\"]");
        assertThat(dsl.at("/components/evaluation_0/input").toString())
                .isEqualTo("{\"data\":{\"data\":[\"lr_0.data\"]}}");
        assertThat(dsl.at("/components/reader_0").isMissingNode()).isTrue();
    }

    @Test
    void aComponentReadingThroughDroppedOnesFromTheReaderIsATopComponentToo() {
        JsonNode dsl = generate(LocalJobs.DSL, List.of("lr_0", "evaluation_0"));
        assertThat(dsl.at("/components/lr_0/input").toString()).isEqualTo("{\"model\":[\"pipeline.lr_0.model\"]}");
        assertThat(dsl.at("/components/lr_0/output/data").toString()).isEqualTo("[\"data\"]");
        assertThat(dsl.at("/components/evaluation_0/input/data/data").toString()).isEqualTo("[\"lr_0.data\"]");
    }

    @Test
    void aKeptReaderKeepsItsReadersDataAndDroppedComponentsAreSkipped() {
        JsonNode dsl = generate(LocalJobs.DSL, List.of("reader_0", "data_transform_0", "lr_0"));
        assertThat(dsl.at("/components/reader_0").toString())
                .isEqualTo("{\"module\":\"Reader\",\"output\":{\"data\":[\"data\"]}}");
        assertThat(dsl.at("/components/data_transform_0/input/data/data").toString())
                .isEqualTo("[\"reader_0.data\"]");
        // feature_scale_0 is dropped: lr_0 reads what it read
        assertThat(dsl.at("/components/lr_0/input/data/test_data").toString()).isEqualTo("[\"data_transform_0.data\"]");
    }

    @Test
    void validateDataIsLeftOutAsFatesDoes() {
        String train = """
                {"components": {
                  "reader_0": {"module": "Reader", "output": {"data": ["data"]}},
                  "reader_1": {"module": "Reader", "output": {"data": ["data"]}},
                  "data_transform_0": {"module": "DataTransform", "input": {"data": {"data": ["reader_0.data"]}},
                                       "output": {"data": ["data"], "model": ["model"]}},
                  "data_transform_1": {"module": "DataTransform", "input": {"data": {"data": ["reader_1.data"]},
                                       "model": ["data_transform_0.model"]}, "output": {"data": ["data"]}},
                  "lr_0": {"module": "LR", "input": {"data": {"train_data": ["data_transform_0.data"],
                                                              "validate_data": ["data_transform_1.data"]}},
                           "output": {"data": ["data"], "model": ["model"]}}}}""";
        JsonNode dsl = generate(train, List.of("data_transform_0", "lr_0"));
        assertThat(dsl.at("/components/lr_0/input/data").toString())
                .isEqualTo("{\"test_data\":[\"data_transform_0.data\"]}");
    }

    @Test
    void aDroppedComponentWithNothingToReadIsRefused() {
        String train = """
                {"components": {
                  "data_transform_0": {"module": "DataTransform", "output": {"data": ["data"], "model": ["model"]}},
                  "lr_0": {"module": "LR", "input": {"data": {"train_data": ["data_transform_0.data"]}},
                           "output": {"data": ["data"], "model": ["model"]}}}}""";
        JsonNode r = node.http().post("/v1/job/dsl/generate", Map.of("train_dsl", train, "cpn_str", "lr_0"));
        assertThat(r.get("retcode").asInt()).as(r.toString()).isEqualTo(101);
        assertThat(r.get("retmsg").asText()).contains("data_transform_0").contains("no data input");

        JsonNode unknown = node.http().post("/v1/job/dsl/generate", Map.of("train_dsl", LocalJobs.DSL,
                "cpn_str", "lr_0,nope_0"));
        assertThat(unknown.get("retcode").asInt()).as(unknown.toString()).isEqualTo(101);
        assertThat(unknown.get("retmsg").asText()).contains("nope_0");
    }

    private static JsonNode generate(String trainDsl, List<String> keep) {
        JsonNode r = node.http().post("/v1/job/dsl/generate", Map.of("train_dsl", trainDsl, "cpn_str", keep,
                "version", "2"));
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
        // the comma string form gives the same DSL
        JsonNode again = node.http().post("/v1/job/dsl/generate", Map.of("train_dsl", trainDsl,
                "cpn_str", String.join(",", keep)));
        assertThat(again.get("data")).isEqualTo(r.get("data"));
        return r.get("data");
    }
}
