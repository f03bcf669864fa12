package io.fedflow.auth.hook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.auth.permission.DatasetRef;
import io.fedflow.auth.permission.JobPermissionRequest;
import java.util.List;

/**
 * Input of the {@code permission} hook (FATE's PermissionCheckParameters, plus the command).
 *
 * @param srcRole             the sender's role in the job
 * @param srcPartyId          the sender
 * @param role                this party's role in the job
 * @param partyId             this party
 * @param initiator           runtime conf {@code initiator} ({role, party_id})
 * @param roles               runtime conf {@code role} (role to party ids)
 * @param componentList       module names of every DSL component
 * @param datasetList         this party's input tables
 * @param runTimeConf         the job's runtime conf (FATE spells the key {@code run_time_conf})
 * @param dsl                 the job's DSL
 * @param componentParameters the parameters of this party's components
 * @param command             create, stop or run (Fedflow's addition: FATE 1.9+ checks only create)
 */
public record PermissionCheckParameters(
        String srcRole,
        String srcPartyId,
        String role,
        String partyId,
        JsonNode initiator,
        JsonNode roles,
        List<String> componentList,
        List<DatasetRef> datasetList,
        JsonNode runTimeConf,
        JsonNode dsl,
        JsonNode componentParameters,
        String command) {

    public PermissionCheckParameters {
        initiator = copy(initiator);
        roles = copy(roles);
        componentList = List.copyOf(componentList);
        datasetList = List.copyOf(datasetList);
        runTimeConf = copy(runTimeConf);
        dsl = copy(dsl);
        componentParameters = copy(componentParameters);
        command = command == null ? JobPermissionRequest.CREATE : command;
    }

    public JobPermissionRequest toJobPermissionRequest() {
        return new JobPermissionRequest(srcPartyId, srcRole, role, partyId, command, componentList, datasetList);
    }

    /** FATE's parameter dict with its keys, plus {@code command}; datasets as {namespace, name}. */
    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("src_role", srcRole);
        node.put("src_party_id", srcPartyId);
        node.put("role", role);
        node.put("party_id", partyId);
        node.set("initiator", initiator.deepCopy());
        node.set("roles", roles.deepCopy());
        ArrayNode components = node.putArray("component_list");
        componentList.forEach(components::add);
        ArrayNode datasets = node.putArray("dataset_list");
        for (DatasetRef dataset : datasetList) {
            datasets.addObject().put("namespace", dataset.namespace()).put("name", dataset.name());
        }
        node.set("run_time_conf", runTimeConf.deepCopy());
        node.set("dsl", dsl.deepCopy());
        node.set("component_parameters", componentParameters.deepCopy());
        node.put("command", command);
        return node;
    }

    private static JsonNode copy(JsonNode node) {
        return node == null ? NullNode.getInstance() : node.deepCopy();
    }
}
