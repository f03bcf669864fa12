package io.fedflow.node.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.json.Json;
import io.fedflow.node.store.generated.tables.records.TJobRecord;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.OutputDataTableSiteReply;
import io.fedflow.proto.v1.OutputDataTableSiteRequest;
import io.fedflow.proto.v1.OutputTableRef;

/**
 * FATE's output/data/table for any party of a job: this site's own parties answer from here, another
 * party's component is asked of that party over the signed site port (FATE forwards the call to it), and
 * that party answers only a site that is a party of the job there.
 */
public final class OutputTablesAtParties {
    /** The other sites: asks {@code partyId}'s site over the signed site port (the composition root's). */
    @FunctionalInterface
    public interface Sites {
        OutputDataTableSiteReply outputDataTable(String partyId, OutputDataTableSiteRequest request);
    }

    private final String localPartyId;
    private final OutputDataService outputs;
    private final TrackingQueryStore store;
    private final Sites parties;

    public OutputTablesAtParties(String localPartyId, OutputDataService outputs, TrackingQueryStore store,
                                 Sites parties) {
        this.localPartyId = localPartyId;
        this.outputs = outputs;
        this.store = store;
        this.parties = parties;
    }

    /** [{table_name, table_namespace, data_name}] of the component at r's role and party, wherever it runs. */
    public ArrayNode outputDataTables(TrackingRef r) {
        if (r.partyId().equals(localPartyId) || store.jobRow(r.jobId(), r.role(), r.partyId()).isPresent()) {
            return outputs.outputDataTables(r);
        }
        TJobRecord job = store.anyJobRow(r.jobId()).orElseThrow(() -> new FlowException(RetCode.EXCEPTION_ERROR,
                FailureKind.NOT_FOUND, "No found job " + r.jobId() + " at this site", null));
        JsonNode ids = Json.parse(job.getFRoles().data()).path(r.role());
        boolean party = false;
        for (JsonNode id : ids) {
            party |= id.asText().equals(r.partyId());
        }
        if (!party) {
            throw FlowException.notFound("party " + r.partyId() + " is no " + r.role() + " of job " + r.jobId()
                    + ": its roles are " + job.getFRoles().data());
        }
        OutputDataTableSiteRequest request = OutputDataTableSiteRequest.newBuilder().setJobId(r.jobId())
                .setRole(r.role()).setPartyId(r.partyId()).setComponentName(r.component()).build();
        OutputDataTableSiteReply reply = parties.outputDataTable(r.partyId(), request);
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        reply.getTablesList().forEach(t -> out.addObject().put("table_name", t.getTableName())
                .put("table_namespace", t.getTableNamespace()).put("data_name", t.getDataName()));
        return out;
    }

    /**
     * The site side: the component's output tables at this party, for {@code caller} (the verified calling
     * site), which must be a party of the job here.
     */
    public OutputDataTableSiteReply answerSite(OutputDataTableSiteRequest r, String caller) {
        TJobRecord job = store.jobRow(r.getJobId(), r.getRole(), r.getPartyId()).orElseThrow(() ->
                new FlowException(RetCode.EXCEPTION_ERROR, FailureKind.NOT_FOUND, "No found job " + r.getJobId()
                        + " with role " + r.getRole() + " party " + r.getPartyId() + " at party " + localPartyId,
                        null));
        boolean party = false;
        for (JsonNode ids : Json.parse(job.getFRoles().data())) {
            for (JsonNode id : ids) {
                party |= id.asText().equals(caller);
            }
        }
        if (!party) {
            throw new FlowException(RetCode.PERMISSION_ERROR, "party " + caller + " is not a party of job "
                    + r.getJobId() + ": only its parties may read its output tables");
        }
        OutputDataTableSiteReply.Builder reply = OutputDataTableSiteReply.newBuilder();
        for (JsonNode t : outputs.outputDataTables(new TrackingRef(r.getJobId(), r.getRole(), r.getPartyId(),
                r.getComponentName()))) {
            reply.addTables(OutputTableRef.newBuilder().setTableName(t.path("table_name").asText())
                    .setTableNamespace(t.path("table_namespace").asText()).setDataName(t.path("data_name").asText()));
        }
        return reply.build();
    }
}
