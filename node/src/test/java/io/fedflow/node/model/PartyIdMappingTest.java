package io.fedflow.node.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.wire.FateJson;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/**
 * The party ids a migration replaces inside a model: role dicts, runtime confs, and component models shaped
 * as HeteroFeatureBinning and HeteroFeatureSelection save them (party_id fields, anonymous feature names).
 */
class PartyIdMappingTest {
    private static final Map<String, List<String>> OLD = Map.of("guest", List.of("9999"), "host",
            List.of("10000", "10001"), "arbiter", List.of("10000"));
    private static final Map<String, List<String>> NEW = Map.of("guest", List.of("99"), "host",
            List.of("100", "101"), "arbiter", List.of("200"));
    private static final PartyIdMapping MAPPING = PartyIdMapping.of(OLD, NEW);

    private static JsonNode json(String text) throws Exception {
        return FateJson.MAPPER.readTree(text);
    }

    @Test
    void aBinningModelAtTheGuestHasItsHostResultsAndAnonymousNamesRenamed() throws Exception {
        JsonNode param = json("""
                {"binning_result": {"party_id": "9999", "role": "guest", "x0": {"iv": 0.5}},
                 "host_results": [{"party_id": "10000", "names": ["host_10000_x0", "host_10000_x1"]},
                                  {"party_id": 10001, "names": ["host_10001_x0"]}],
                 "weight": {"host_10001_x3": 0.25, "x0": 1.5}, "header": ["x0", "x1"]}""");
        assertThat(MAPPING.component(param, "guest")).isEqualTo(json("""
                {"binning_result": {"party_id": "99", "role": "guest", "x0": {"iv": 0.5}},
                 "host_results": [{"party_id": "100", "names": ["host_100_x0", "host_100_x1"]},
                                  {"party_id": 101, "names": ["host_101_x0"]}],
                 "weight": {"host_101_x3": 0.25, "x0": 1.5}, "header": ["x0", "x1"]}"""));
    }

    @Test
    void aPartyIdFieldTakesTheRoleOfItsObjectOrOfThePartyHoldingTheModel() throws Exception {
        // 10000 is both a host and the arbiter: which one the object says decides its new id
        assertThat(MAPPING.component(json("{\"party_id\": \"10000\"}"), "arbiter"))
                .isEqualTo(json("{\"party_id\": \"200\"}"));
        assertThat(MAPPING.component(json("{\"party_id\": \"10000\"}"), "host"))
                .isEqualTo(json("{\"party_id\": \"100\"}"));
        assertThat(MAPPING.component(json("{\"role\": \"host\", \"party_id\": \"10000\"}"), "arbiter"))
                .isEqualTo(json("{\"role\": \"host\", \"party_id\": \"100\"}"));
        // ids that are no party of that role, and numbers that are no party ids, stay
        assertThat(MAPPING.component(json("{\"party_id\": \"5\", \"iters\": 10000, \"note\": \"guest_5_x\"}"),
                "guest")).isEqualTo(json("{\"party_id\": \"5\", \"iters\": 10000, \"note\": \"guest_5_x\"}"));
    }

    @Test
    void aRuntimeConfNamesTheNewRolesInitiatorAndModel() throws Exception {
        JsonNode conf = json("""
                {"dsl_version": 2, "initiator": {"role": "guest", "party_id": 9999},
                 "role": {"guest": [9999], "host": [10000, 10001], "arbiter": [10000]},
                 "job_parameters": {"common": {"model_id": "old", "model_version": "1", "task_cores": 1}},
                 "component_parameters": {"role": {"host": {"0": {"reader_0": {"table": {"name": "t"}}}}}}}""");
        assertThat(MAPPING.runtimeConf(conf, "guest", "99", "new_id", "v2")).isEqualTo(json("""
                {"dsl_version": 2, "initiator": {"role": "guest", "party_id": 99},
                 "role": {"guest": [99], "host": [100, 101], "arbiter": [200]},
                 "job_parameters": {"common": {"model_id": "new_id", "model_version": "v2", "task_cores": 1}},
                 "component_parameters": {"role": {"host": {"0": {"reader_0": {"table": {"name": "t"}}}}}}}"""));
    }

    @Test
    void theNewModelIdIsFatesFromTheNewRoles() {
        assertThat(PartyIdMapping.modelId(NEW)).isEqualTo("arbiter-200#guest-99#host-100_101#model");
    }

    @Test
    void rolesThatDoNotPairAreRefused() {
        assertThatThrownBy(() -> PartyIdMapping.of(OLD, Map.of("guest", List.of("1"), "host", List.of("2", "3"))))
                .isInstanceOf(FlowException.class).hasMessageContaining("same roles");
        assertThatThrownBy(() -> PartyIdMapping.of(OLD, Map.of("guest", List.of("1"), "host", List.of("2"),
                "arbiter", List.of("4")))).isInstanceOf(FlowException.class).hasMessageContaining("host");
        assertThatThrownBy(() -> PartyIdMapping.roles(FateJson.MAPPER.createObjectNode().set("guest",
                FateJson.MAPPER.createArrayNode().add("x9")), "migrate_role"))
                .isInstanceOf(FlowException.class).hasMessageContaining("migrate_role.guest");
    }

    @Property(tries = 50)
    void migratingThereAndBackGivesTheModelBack(@ForAll @LongRange(min = 1, max = 9_999_999_999L) long guest,
                                                @ForAll @LongRange(min = 1, max = 9_999_999_999L) long host)
            throws Exception {
        Map<String, List<String>> old = Map.of("guest", List.of("9999"), "host", List.of("10000"));
        Map<String, List<String>> next = Map.of("guest", List.of(Long.toString(guest)), "host",
                List.of(Long.toString(host)));
        JsonNode param = json("""
                {"binning_result": {"party_id": "9999"}, "host_results": [{"party_id": 10000,
                 "names": ["host_10000_x0"]}], "weight": {"host_10000_x1": 0.5}}""");
        JsonNode there = PartyIdMapping.of(old, next).component(param, "guest");
        assertThat(there.at("/host_results/0/party_id").asLong()).isEqualTo(host);
        assertThat(PartyIdMapping.of(next, old).component(there, "guest")).isEqualTo(param);
    }
}
