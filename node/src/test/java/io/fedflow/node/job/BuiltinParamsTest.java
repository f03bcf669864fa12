package io.fedflow.node.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fedflow.node.component.builtin.Builtins;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.core.Limits;
import io.fedflow.proto.RetCode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The built-in components' parameter specs and input rules, through the parser every submit goes through:
 * what a task would refuse at run time is refused at submit, naming the component, the role and the field.
 */
class BuiltinParamsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final DslParser PARSER = new DslParser(Builtins.registry());

    /** Every module once: reader, transform, intersection, scale, binning, selection, hetero LR, evaluation. */
    static final String HETERO_DSL = """
            {"components": {
              "reader_0": {"module": "Reader", "output": {"data": ["data"]}},
              "data_transform_0": {"module": "DataTransform", "input": {"data": {"data": ["reader_0.data"]}},
                                   "output": {"data": ["data"], "model": ["model"]}},
              "intersection_0": {"module": "Intersection", "input": {"data": {"data": ["data_transform_0.data"]}},
                                 "output": {"data": ["data"]}},
              "feature_scale_0": {"module": "FeatureScale", "input": {"data": {"data": ["intersection_0.data"]}},
                                  "output": {"data": ["data"], "model": ["model"]}},
              "hetero_feature_binning_0": {"module": "HeteroFeatureBinning",
                                           "input": {"data": {"data": ["feature_scale_0.data"]}},
                                           "output": {"data": ["data"], "model": ["model"]}},
              "hetero_feature_selection_0": {"module": "HeteroFeatureSelection",
                                             "input": {"data": {"data": ["hetero_feature_binning_0.data"]},
                                                       "isometric_model": ["hetero_feature_binning_0.model"]},
                                             "output": {"data": ["data"], "model": ["model"]}},
              "hetero_lr_0": {"module": "HeteroLR",
                              "input": {"data": {"train_data": ["hetero_feature_selection_0.data"]}},
                              "output": {"data": ["data"], "model": ["model"]}},
              "evaluation_0": {"module": "Evaluation", "input": {"data": {"data": ["hetero_lr_0.data"]}},
                               "output": {"data": ["data"]}}}}""";

    /** {@code common} goes into component_parameters.common, {@code guest} into role.guest."0". */
    static String heteroConf(String common, String guest, String jobParameters) {
        return """
                {"dsl_version": 2, "initiator": {"role": "guest", "party_id": 9999},
                 "role": {"guest": [9999], "host": [10000], "arbiter": [10000]},
                 "job_parameters": {"common": {"task_cores": 1 %s}},
                 "component_parameters": {
                   "common": {%s},
                   "role": {"guest": {"0": {"reader_0": {"table": {"name": "g", "namespace": "ns"}},
                                            "data_transform_0": {"with_label": true} %s}},
                            "host": {"0": {"reader_0": {"table": {"name": "h", "namespace": "ns"}}}}}}}"""
                .formatted(jobParameters, common, guest.isEmpty() ? "" : ", " + guest);
    }

    static JobPlan parse(DslParser parser, String dsl, String conf) throws Exception {
        return parser.parse(JSON.readTree(dsl), JSON.readTree(conf));
    }

    static void refused(DslParser parser, String dsl, String conf, String... message) {
        assertThatThrownBy(() -> parse(parser, dsl, conf))
                .isInstanceOf(FlowException.class)
                .satisfies(e -> assertThat(((FlowException) e).retCode()).isEqualTo(RetCode.ARGUMENT_ERROR))
                .message().contains(message);
    }

    @Test
    void everyExampleJobStillParses() throws Exception {
        Path examples = Path.of("../examples");
        for (String job : new String[] {"local_job", "hetero_job", "breast_pipeline"}) {
            JsonNode dsl = JSON.readTree(Files.readString(examples.resolve(job + "_dsl.json")));
            JsonNode conf = JSON.readTree(Files.readString(examples.resolve(job + "_conf.json")));
            assertThat(PARSER.parse(dsl, conf).components()).as(job).isNotEmpty();
        }
        assertThat(parse(PARSER, HETERO_DSL, heteroConf("", "", "")).components()).hasSize(8);
    }

    @ParameterizedTest(name = "{0} {1} = {2}")
    @CsvSource(delimiter = '|', value = {
        "hetero_lr_0 | max_iter | -3",
        "hetero_lr_0 | batch_size | 0",
        "hetero_lr_0 | alpha | -0.5",
        "hetero_lr_0 | learning_rate | 0",
        "hetero_lr_0 | tol | -1",
        "hetero_lr_0 | penalty | \"L3\"",
        "hetero_lr_0 | optimizer | \"newton\"",
        "hetero_lr_0 | init_param | {\"init_method\": \"gaussian\"}",
        "hetero_lr_0 | predict_param | {\"threshold\": 1.5}",
        "hetero_lr_0 | encrypt_param | {\"key_length\": 511}",
        "hetero_lr_0 | early_stop | \"never\"",
        "hetero_lr_0 | validation_freqs | 0",
        "hetero_lr_0 | cv_param | {\"need_cv\": true}",
        "data_transform_0 | input_format | \"tag\"",
        "data_transform_0 | missing_fill_method | \"mode\"",
        "data_transform_0 | label_type | \"str\"",
        "intersection_0 | intersect_method | \"ecdh\"",
        "intersection_0 | rsa_params | {\"key_length\": 512}",
        "intersection_0 | encode_params | {\"encode_method\": \"crc32\"}",
        "intersection_0 | repeated_id_process | true",
        "feature_scale_0 | method | \"robust_scale\"",
        "feature_scale_0 | scale_col_indexes | [0, -2]",
        "feature_scale_0 | feat_upper | \"high\"",
        "hetero_feature_binning_0 | bin_num | 1",
        "hetero_feature_binning_0 | method | \"bucket\"",
        "hetero_feature_binning_0 | adjustment_factor | 0",
        "hetero_feature_binning_0 | transform_param | {\"transform_type\": \"onehot\"}",
        "hetero_feature_selection_0 | filter_methods | [\"unique_value\"]",
        "hetero_feature_selection_0 | iv_param | {\"filter_type\": \"bottom_k\"}",
        "hetero_feature_selection_0 | iv_top_k_param | {\"k\": 0}",
        "evaluation_0 | eval_type | \"multi\"",
        "evaluation_0 | metrics | [\"auc\", \"no_such_metric\"]",
        "reader_0 | table | {\"name\": 7, \"namespace\": \"ns\"}"})
    void aValueTheTaskWouldRefuseIsRefusedAtSubmit(String component, String param, String value) {
        String setting = "\"" + component + "\": {\"" + param + "\": " + value + "}";
        // in component_parameters.common: the component and the parameter are named
        refused(PARSER, HETERO_DSL, heteroConf(setting, "", ""), "component " + component, "parameter " + param,
                "component_parameters.common");
        // in a role's block (a later reader_0 key there replaces the good one): the role is named too
        refused(PARSER, HETERO_DSL, heteroConf("", setting, ""), "component " + component, "at role guest",
                "parameter " + param, "component_parameters.role.guest.0");
    }

    @Test
    void valuesFateAcceptsStillPass() throws Exception {
        String lr = """
                "hetero_lr_0": {"penalty": "none", "optimizer": "SGD", "batch_size": -1, "max_iter": 1, "tol": 0,
                                "alpha": 0, "learning_rate": 1e-9, "init_param": {"init_method": "zeros"},
                                "predict_param": {"threshold": 1}, "encrypt_param": {"method": "Paillier",
                                "key_length": 1024}, "validation_freqs": [1, 3], "early_stop": "weight_diff"},
                "hetero_feature_binning_0": {"bin_num": 2, "bin_indexes": -1,
                                             "transform_param": {"transform_type": null}},
                "feature_scale_0": {"method": "min_max_scale", "feat_upper": [1, 2], "scale_col_indexes": [0]},
                "hetero_feature_selection_0": {"filter_methods": ["manually", "iv_filter"],
                                               "iv_top_k_param": {"k": 3}},
                "evaluation_0": {"eval_type": "binary", "metrics": ["AUC", "ks"]}""";
        assertThat(parse(PARSER, HETERO_DSL, heteroConf(lr, "", "")).components()).hasSize(8);
        // a null is FATE's None: the default
        assertThat(parse(PARSER, HETERO_DSL, heteroConf("\"hetero_lr_0\": {\"max_iter\": null}", "", "")))
                .isNotNull();
    }

    @Test
    void aModuleWithoutTheInputItNeedsIsRefused() throws Exception {
        String noTrainData = HETERO_DSL.replace("\"input\": {\"data\": {\"train_data\": "
                + "[\"hetero_feature_selection_0.data\"]}}", "\"input\": {\"data\": {\"validate_data\": "
                + "[\"hetero_feature_selection_0.data\"]}}");
        refused(PARSER, noTrainData, heteroConf("", "", ""), "component hetero_lr_0 (HeteroLR)", "train_data");
        String noInput = HETERO_DSL.replace("\"input\": {\"data\": {\"data\": [\"hetero_lr_0.data\"]}},", "");
        refused(PARSER, noInput, heteroConf("", "", ""), "component evaluation_0 (Evaluation)", "input.data");
        String emptyList = HETERO_DSL.replace("[\"reader_0.data\"]", "[]");
        refused(PARSER, emptyList, heteroConf("", "", ""), "component data_transform_0 (DataTransform)");
        // predicting with an input model and test data is another way to satisfy LR
        String predict = HETERO_DSL.replace("\"input\": {\"data\": {\"train_data\": "
                + "[\"hetero_feature_selection_0.data\"]}}", "\"input\": {\"data\": {\"test_data\": "
                + "[\"hetero_feature_selection_0.data\"]}, \"model\": [\"hetero_feature_binning_0.model\"]}");
        assertThat(PARSER.parse(readTree(predict), readTree(heteroConf("", "", "")))).isNotNull();
    }

    @Test
    void autoRetriesAreCappedAndTheDelayChecked() throws Exception {
        refused(PARSER, HETERO_DSL, heteroConf("", "", ", \"auto_retries\": 1000000000"),
                "job_parameters.common.auto_retries", "at most 10", "--max-auto-retries");
        assertThat(parse(PARSER, HETERO_DSL, heteroConf("", "", ", \"auto_retries\": 10"))).isNotNull();
        DslParser strict = new DslParser(Builtins.registry(), Limits.builder().maxAutoRetries(2).build());
        refused(strict, HETERO_DSL, heteroConf("", "", ", \"auto_retries\": 3"), "auto_retries", "at most 2");
        refused(PARSER, HETERO_DSL, heteroConf("", "", ", \"auto_retries\": -1"), "auto_retries", "at least 0");
        refused(PARSER, HETERO_DSL, heteroConf("", "", ", \"auto_retry_delay\": -1"), "auto_retry_delay");
        refused(PARSER, HETERO_DSL, heteroConf("", "", ", \"auto_retry_delay\": 1.5"), "auto_retry_delay",
                "an integer");
        refused(PARSER, HETERO_DSL, heteroConf("", "", ", \"auto_retry_delay\": \"1\""), "auto_retry_delay");

        // FATE's role-specific job parameters: checked alike, and they override common for their parties
        String withRole = heteroConf("", "", ", \"auto_retries\": 1, \"auto_retry_delay\": 2").replace("\"job_parameters\": {\"common\": {",
                "\"job_parameters\": {\"role\": {\"host\": {\"0\": {\"auto_retries\": 3, \"auto_retry_delay\": 5}}},"
                        + " \"common\": {");
        JobPlan plan = parse(PARSER, HETERO_DSL, withRole);
        assertThat(plan.intParameter("auto_retries", "host", "10000", 0)).isEqualTo(3);
        assertThat(plan.intParameter("auto_retry_delay", "host", "10000", 1)).isEqualTo(5);
        assertThat(plan.intParameter("auto_retry_delay", "guest", "9999", 1)).isEqualTo(2);
        refused(PARSER, HETERO_DSL, withRole.replace("\"auto_retries\": 3", "\"auto_retries\": 11"),
                "job_parameters.role.host.0.auto_retries", "at most 10");
        refused(PARSER, HETERO_DSL, withRole.replace("\"auto_retry_delay\": 5", "\"auto_retry_delay\": -5"),
                "job_parameters.role.host.0.auto_retry_delay");
    }

    private static JsonNode readTree(String s) throws Exception {
        return JSON.readTree(s);
    }
}
