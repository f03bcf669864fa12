package io.fedflow.node.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fedflow.node.component.ComponentDefinition;
import io.fedflow.node.component.ComponentRegistry;
import io.fedflow.node.component.ParamType;
import io.fedflow.node.core.FlowException;
import io.fedflow.proto.RetCode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every bad DSL / conf is refused before anything is created, with a message naming component and field. */
class DslParserTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final ComponentRegistry REGISTRY = new ComponentRegistry()
            .register(new ComponentDefinition("Reader", List.of(), Map.of("table", ParamType.OBJECT),
                    ComponentDefinition.ALL_ROLES, () -> ctx -> {}))
            .register(new ComponentDefinition("DataTransform", List.of("DataIO"),
                    Map.of("with_label", ParamType.BOOL, "label_name", ParamType.STRING),
                    ComponentDefinition.ALL_ROLES, () -> ctx -> {}))
            .register(new ComponentDefinition("LR", List.of(), Map.of("max_iter", ParamType.INT,
                    "alpha", ParamType.NUMBER), Set.of("local", "guest"), () -> ctx -> {}));
    static final DslParser PARSER = new DslParser(REGISTRY);

    static final String DSL = """
            {"components": {
              "reader_0": {"module": "Reader", "output": {"data": ["data"]}},
              "dataio_0": {"module": "DataIO", "input": {"data": {"data": ["reader_0.data"]}},
                           "output": {"data": ["data"], "model": ["model"]}},
              "lr_0": {"module": "LR", "input": {"data": {"train_data": ["dataio_0.data"]}},
                       "output": {"data": ["data"], "model": ["model"]}}}}""";
    static final String CONF = """
            {"dsl_version": "2", "initiator": {"role": "guest", "party_id": "9999"},
             "role": {"guest": [9999], "host": ["10000"]},
             "job_parameters": {"common": {"task_cores": 2}},
             "component_parameters": {
               "common": {"lr_0": {"max_iter": 5, "alpha": 0.1}},
               "role": {"guest": {"0": {"reader_0": {"table": {"name": "g", "namespace": "ns"}},
                                        "dataio_0": {"with_label": true}}},
                        "host": {"all": {"reader_0": {"table": {"name": "h", "namespace": "ns"}}}}}}}""";

    static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    static void refused(String dsl, String conf, String... message) {
        assertThatThrownBy(() -> PARSER.parse(json(dsl), json(conf)))
                .isInstanceOf(FlowException.class)
                .satisfies(e -> assertThat(((FlowException) e).retCode()).isIn(RetCode.ARGUMENT_ERROR,
                        RetCode.DATA_ERROR))
                .message().contains(message);
    }

    @Test
    void parsesAValidJobInDependencyOrderWithPartyParameters() throws Exception {
        JobPlan plan = PARSER.parse(json(DSL), json(CONF));
        assertThat(plan.components()).extracting(JobPlan.PlannedComponent::name)
                .containsExactly("reader_0", "dataio_0", "lr_0");
        assertThat(plan.roles()).containsEntry("guest", List.of("9999")).containsEntry("host", List.of("10000"));
        assertThat(plan.initiatorPartyId()).isEqualTo("9999");
        assertThat(plan.parameters("reader_0", "host", "10000").at("/table/name").asText()).isEqualTo("h");
        assertThat(plan.parameters("dataio_0", "guest", "9999").path("with_label").asBoolean()).isTrue();
        assertThat(plan.parameters("lr_0", "guest", "9999").path("max_iter").asInt()).isEqualTo(5);
        assertThat(plan.needRun("lr_0", "host", "10000")).isFalse(); // LR does not run at host
        assertThat(plan.needRun("lr_0", "guest", "9999")).isTrue();
        assertThat(plan.component("lr_0").upstream()).containsExactly("dataio_0");
    }

    @Test
    void refusesBadDsls() {
        refused("{}", CONF, "dsl");
        refused("{\"components\": {}}", CONF, "No components");
        refused(DSL.replace("\"module\": \"LR\"", "\"module\": \"Nope\""), CONF, "lr_0", "Nope", "not known");
        refused(DSL.replace("\"module\": \"LR\", ", ""), CONF, "lr_0", "module is missing");
        refused(DSL.replace("dataio_0.data\"]}}", "dataio_0.nothing\"]}}"), CONF, "lr_0", "dataio_0.nothing",
                "declares no data output");
        refused(DSL.replace("[\"dataio_0.data\"]", "[\"ghost_0.data\"]"), CONF, "lr_0", "no component ghost_0");
        refused(DSL.replace("[\"dataio_0.data\"]", "[\"dataio_0\"]"), CONF, "lr_0", "component.output");
        refused(DSL.replace("\"train_data\": [\"dataio_0.data\"]", "\"train_data\": \"dataio_0.data\""), CONF,
                "lr_0", "must be a list");
        refused(DSL.replace("\"input\": {\"data\": {\"data\": [\"reader_0.data\"]}}",
                "\"input\": {\"data\": {\"data\": [\"lr_0.data\"]}}"), CONF, "loop");
        refused(DSL.replace("\"reader_0\": {", "\"reader 0\": {"), CONF, "reader 0");
        refused(DSL.replace("\"input\": {\"data\": {\"data\": [\"reader_0.data\"]}}",
                "\"input\": {\"weird\": {}}"), CONF, "dataio_0", "input.weird");
    }

    @Test
    void refusesBadRoleLayouts() {
        refused(DSL, CONF.replace("\"initiator\": {\"role\": \"guest\", \"party_id\": \"9999\"},", ""), "initiator");
        refused(DSL, CONF.replace("\"party_id\": \"9999\"", "\"party_id\": \"1\""), "initiator", "not in role.guest");
        refused(DSL, CONF.replace("\"guest\": [9999]", "\"guest\": []"), "role.guest");
        refused(DSL, CONF.replace("\"guest\": [9999]", "\"guest\": [9999, 9999]"), "twice");
        refused(DSL, CONF.replace("\"host\": [\"10000\"]", "\"host\": [\"abc\"]"), "role.host", "integer");
        refused(DSL, CONF.replace("\"host\": [\"10000\"]", "\"boss\": [\"10000\"]"), "boss");
        refused(DSL, CONF.replace("\"dsl_version\": \"2\"", "\"dsl_version\": 1"), "only the v2");
    }

    @Test
    void refusesBadParameters() {
        refused(DSL, CONF.replace("\"lr_0\": {\"max_iter\": 5", "\"lr_9\": {\"max_iter\": 5"), "lr_9",
                "no component");
        refused(DSL, CONF.replace("\"max_iter\": 5", "\"max_iter\": \"five\""), "lr_0", "max_iter", "an integer");
        refused(DSL, CONF.replace("\"alpha\": 0.1", "\"alpha\": true"), "lr_0", "alpha", "a number");
        refused(DSL, CONF.replace("\"alpha\": 0.1", "\"alhpa\": 0.1"), "lr_0", "unknown parameter alhpa");
        refused(DSL, CONF.replace("\"with_label\": true", "\"with_label\": \"yes\""), "dataio_0", "with_label");
        refused(DSL, CONF.replace("\"host\": {\"all\"", "\"host\": {\"3\""), "index 3 is out of range");
        refused(DSL, CONF.replace("\"host\": {\"all\"", "\"arbiter\": {\"all\""), "no role arbiter");
        refused(DSL, CONF.replace("{\"reader_0\": {\"table\": {\"name\": \"h\", \"namespace\": \"ns\"}}}", "{}"),
                "reader_0", "table", "host", "10000");
        refused(DSL, CONF.replace("\"task_cores\": 2", "\"task_cores\": 0"), "task_cores");
        refused(DSL, CONF.replace("\"task_cores\": 2", "\"task_cores\": \"many\""), "task_cores");
    }

    @Test
    void statusMachineAllowsOnlyFatesTransitions() {
        assertThat(StatusMachine.jobCan(JobStatus.WAITING, JobStatus.RUNNING)).isTrue();
        assertThat(StatusMachine.jobCan(JobStatus.RUNNING, JobStatus.SUCCESS)).isTrue();
        assertThat(StatusMachine.jobCan(JobStatus.SUCCESS, JobStatus.RUNNING)).isFalse();
        assertThat(StatusMachine.jobCan(JobStatus.FAILED, JobStatus.WAITING)).isTrue();
        assertThat(StatusMachine.jobCan(JobStatus.CANCELED, JobStatus.SUCCESS)).isFalse();
        assertThat(StatusMachine.taskCan(JobStatus.WAITING, JobStatus.PASS)).isTrue();
        assertThat(StatusMachine.taskCan(JobStatus.SUCCESS, JobStatus.WAITING)).isFalse();
        assertThat(StatusMachine.taskCan(JobStatus.FAILED, JobStatus.RUNNING)).isFalse();
        assertThat(StatusMachine.jobSources(JobStatus.RUNNING)).containsExactly(JobStatus.WAITING);
        assertThat(StatusMachine.taskSources(JobStatus.CANCELED)).containsExactly(JobStatus.RUNNING);
    }
}
