package io.fedflow.node.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.json.Json;
import io.fedflow.node.store.generated.tables.records.TJobRecord;
import io.fedflow.proto.RetCode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * FATE's parameter/update: an ended job's conf changes for its next rerun, at its initiator, which passes the
 * change to every other party; a party that is not the initiator forwards the call there.
 */
final class JobParameters {
    private final JobCore core;
    private final JobStore jobs;
    private final RemoteParties remote;

    JobParameters(JobCore core, RemoteParties remote) {
        this.core = core;
        this.jobs = core.jobs();
        this.remote = remote;
    }

    /** Changes an ended job's parameters for its next rerun; refused while it waits or runs. */
    ObjectNode update(String jobId, JsonNode jobParameters, JsonNode componentParameters) {
        List<TJobRecord> rows = jobs.jobRows(jobId);
        if (rows.isEmpty()) {
            throw FlowException.notFound("no job " + jobId);
        }
        String initiator = rows.get(0).getFInitiatorPartyId();
        if (!JobStore.isHere(rows.get(0).getFInitiatorRole(), initiator, core.thisParty())) {
            // FATE changes a job's parameters at its initiator, which passes them to every party
            remote.updateParameters(initiator, jobId, text(jobParameters), text(componentParameters));
            return updated(jobs.jobRows(jobId).get(0), componentParameters);
        }
        ObjectNode answer = updateHere(jobId, jobParameters, componentParameters);
        List<String> others = core.plans().remoteParties(core.plans().fresh(rows.get(0)));
        for (String p : others) {
            try {
                remote.updateParameters(p, jobId, text(jobParameters), text(componentParameters));
            } catch (FlowException e) {
                throw new FlowException(e.retCode(), "parameters of job " + jobId + " changed here, but not at party "
                        + p + ": " + e.getMessage());
            }
        }
        return answer;
    }

    private static String text(JsonNode node) {
        return node == null || !node.isObject() ? null : node.toString();
    }

    private static ObjectNode updated(TJobRecord row, JsonNode componentParameters) {
        JsonNode conf = Json.parse(row.getFRuntimeConf().data());
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.set("job_parameters", conf.path("job_parameters"));
        o.set("component_parameters", conf.path("component_parameters"));
        ArrayNode cpns = o.putArray("components");
        if (componentParameters != null) {
            componentParameters.path("common").fieldNames().forEachRemaining(cpns::add);
        }
        return o;
    }

    ObjectNode updateHere(String jobId, JsonNode jobParameters, JsonNode componentParameters) {
        List<TJobRecord> rows = jobs.jobRows(jobId);
        if (rows.isEmpty()) {
            throw FlowException.notFound("no job " + jobId);
        }
        JobStatus status = StatusMachine.parse(rows.get(0).getFStatus());
        if (!status.isEnd()) {
            throw new FlowException(RetCode.OPERATING_ERROR, "job " + jobId + " is " + status.wire()
                    + ": parameters can only change while it is not running");
        }
        ObjectNode conf = (ObjectNode) Json.parse(rows.get(0).getFRuntimeConf().data());
        if (jobParameters != null && jobParameters.isObject()) {
            merge(conf.with("job_parameters"), jobParameters);
        }
        if (componentParameters != null && componentParameters.isObject()) {
            merge(conf.with("component_parameters"), componentParameters);
        }
        JobPlan plan = core.plans().parse(Json.parse(rows.get(0).getFDsl().data()), conf);
        jobs.replaceConf(jobId, plan);
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.set("job_parameters", plan.conf().path("job_parameters"));
        o.set("component_parameters", plan.conf().path("component_parameters"));
        ArrayNode cpns = o.putArray("components");
        if (componentParameters != null) {
            componentParameters.path("common").fieldNames().forEachRemaining(cpns::add);
        }
        return o;
    }

    private static void merge(ObjectNode into, JsonNode from) {
        for (Iterator<Map.Entry<String, JsonNode>> it = from.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode existing = into.get(e.getKey());
            if (existing != null && existing.isObject() && e.getValue().isObject()) {
                merge((ObjectNode) existing, e.getValue());
            } else {
                into.set(e.getKey(), e.getValue().deepCopy());
            }
        }
    }
}
