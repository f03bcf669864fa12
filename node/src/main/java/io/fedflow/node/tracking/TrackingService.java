package io.fedflow.node.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.json.Json;
import io.fedflow.node.store.generated.tables.records.TComponentModelRecord;
import io.fedflow.node.store.generated.tables.records.TJobRecord;
import io.fedflow.node.store.generated.tables.records.TTaskRecord;
import io.fedflow.proto.RetCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What FATE's /v1/tracking API reads about a job and its components: the request's defaults, the job's data
 * view and component list, a component's parameters, output model and summary. Metrics are read by {@link
 * MetricService}, output data by {@link OutputDataService}.
 *
 * <p>As FATE: when a request names neither role nor party_id they default to the job's initiator's;
 * models are read from the latest task version that wrote any (a rerun leaves the earlier version's rows in
 * place).
 */
public final class TrackingService {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final TrackingQueryStore store;
    private final Path jobsDir;

    /** @param jobsDir where submit wrote each job's {@code job_dsl.json} (the DSL in its submitted order) */
    public TrackingService(TrackingQueryStore store, Path jobsDir) {
        this.store = store;
        this.jobsDir = jobsDir;
    }

    // ---- request resolution ----

    /**
     * Fills in role and party_id from the job's initiator when they are missing (only the missing one
     * when one is given: a role alone takes that role's first party).
     */
    public TrackingRef ref(String jobId, String role, String partyId, String component, boolean needComponent) {
        if (TrackingRef.blank(jobId)) {
            throw FlowException.argument("required argument are missing: job_id");
        }
        if (needComponent && TrackingRef.blank(component)) {
            throw FlowException.argument("required argument are missing: component_name");
        }
        String r = TrackingRef.nz(role);
        String p = TrackingRef.nz(partyId);
        if (r.isEmpty() || p.isEmpty()) {
            TJobRecord job = store.initiatorRow(jobId).orElse(null);
            if (job != null) {
                if (r.isEmpty()) {
                    r = job.getFInitiatorRole();
                }
                if (p.isEmpty()) {
                    p = r.equals(job.getFInitiatorRole()) ? job.getFInitiatorPartyId() : firstParty(job, r);
                }
            }
        }
        return new TrackingRef(jobId, r, p, TrackingRef.nz(component));
    }

    private static String firstParty(TJobRecord job, String role) {
        JsonNode ids = Json.parse(job.getFRoles().data()).path(role);
        return ids.isArray() && ids.size() > 0 ? ids.get(0).asText() : "";
    }

    // ---- job level ----

    /** FATE's job view: {partner, dataset, roles, model_summary}; 101 when the job has no such party here. */
    public ObjectNode dataView(TrackingRef r) {
        TJobRecord job = store.jobRow(r.jobId(), r.role(), r.partyId()).orElse(null);
        if (job == null) {
            throw FlowException.notFound("error: no job " + r.jobId() + " with role " + r.role() + " party "
                    + r.partyId() + " at this node");
        }
        JsonNode roles = Json.parse(job.getFRoles().data());
        ObjectNode out = F.objectNode();
        ObjectNode partner = out.putObject("partner");
        roles.fields().forEachRemaining(e -> {
            ArrayNode ids = F.arrayNode();
            e.getValue().forEach(id -> {
                if (!(e.getKey().equals(r.role()) && id.asText().equals(r.partyId()))) {
                    ids.add(id);
                }
            });
            if (!ids.isEmpty()) {
                partner.set(e.getKey(), ids);
            }
        });
        ObjectNode dataset = out.putObject("dataset");
        boolean initiator = Boolean.TRUE.equals(job.getFIsInitiator());
        for (TTaskRecord t : store.latestTasksOfModule(r.jobId(), "Reader")) {
            if (!initiator && !(t.getFRole().equals(r.role()) && t.getFPartyId().equals(r.partyId()))) {
                continue; // as FATE: a non-initiator sees only its own datasets
            }
            if (!Boolean.TRUE.equals(t.getFNeedRun())) {
                continue;
            }
            JsonNode table = Json.parse(t.getFComponentParameters().data()).path("table");
            if (table.isObject()) {
                ((ObjectNode) dataset.with(t.getFRole())).with(t.getFPartyId()).put(t.getFComponentName(),
                        table.path("namespace").asText() + "." + table.path("name").asText());
            }
        }
        out.set("roles", roles);
        out.putObject("model_summary");
        return out;
    }

    /** The job's DSL components in the order they were submitted; 100 for an unknown job. */
    public ObjectNode componentList(String jobId) {
        if (TrackingRef.blank(jobId)) {
            throw FlowException.argument("required argument are missing: job_id");
        }
        TJobRecord job = store.anyJobRow(jobId).orElse(null);
        if (job == null) {
            throw new FlowException(RetCode.EXCEPTION_ERROR, FailureKind.NOT_FOUND,
                    "No job matched, please make sure the job id is valid.", null);
        }
        ObjectNode out = F.objectNode();
        ArrayNode names = out.putArray("components");
        submittedDsl(job).path("components").fieldNames().forEachRemaining(names::add);
        return out;
    }

    /** PostgreSQL's jsonb reorders keys; the job_dsl.json written at submit keeps the DSL's own order. */
    private JsonNode submittedDsl(TJobRecord job) {
        Path file = jobsDir.resolve(job.getFJobId()).resolve("job_dsl.json");
        if (Files.isRegularFile(file)) {
            try {
                return Json.parse(Files.readString(file));
            } catch (IOException | RuntimeException ignored) {
                // fall back to the stored DSL
            }
        }
        return Json.parse(job.getFDsl().data());
    }

    // ---- parameters, model, summary ----

    /** {module, ComponentParam: {...}} from the latest task; 101 when there is none. */
    public ObjectNode parameters(TrackingRef r) {
        TTaskRecord t = store.latestTask(r.where()).orElseThrow(() -> FlowException.notFound(
                "can not found this task: job " + r.jobId() + " component " + r.component() + " role " + r.role()
                        + " party " + r.partyId()));
        ObjectNode out = F.objectNode();
        out.put("module", t.getFComponentModule());
        out.set("ComponentParam", Json.parse(t.getFComponentParameters().data()));
        return out;
    }

    /**
     * data = the model's Param, meta = {meta_data: its Meta, module_name}. A component that saved several
     * models answers the one named "model" if there is one, else all of them keyed by name. None → 0
     * "no data" {}.
     */
    public TrackingAnswer outputModel(TrackingRef r) {
        List<TComponentModelRecord> models = store.latestModels(r.where());
        if (models.isEmpty()) {
            return TrackingAnswer.noData(F.objectNode());
        }
        List<TComponentModelRecord> chosen = models.size() == 1 ? models
                : models.stream().filter(m -> m.getFModelName().equals("model")).toList();
        ObjectNode meta = F.objectNode();
        if (chosen.size() == 1) {
            TComponentModelRecord m = chosen.get(0);
            meta.set("meta_data", Json.parse(m.getFMeta().data()));
            meta.put("module_name", m.getFModule());
            return TrackingAnswer.ok(Json.parse(m.getFParam().data()), meta);
        }
        ObjectNode data = F.objectNode();
        ObjectNode metas = meta.putObject("meta_data");
        for (TComponentModelRecord m : models) {
            data.set(m.getFModelName(), Json.parse(m.getFParam().data()));
            metas.set(m.getFModelName(), Json.parse(m.getFMeta().data()));
        }
        meta.put("module_name", models.get(0).getFModule());
        return TrackingAnswer.ok(data, meta);
    }

    /**
     * The component's summary; none → retcode 210 (FATE answers HTTP 210 for it, the JSON API carries
     * the code in the envelope).
     */
    public TrackingAnswer summary(TrackingRef r, String taskId, Long taskVersion) {
        var row = store.summary(r.where(), taskId, taskVersion).orElse(null);
        if (row == null) {
            return new TrackingAnswer(TrackingAnswer.NO_DATA,
                    "No component summary found, please check if arguments are specified correctly.", null, null);
        }
        return TrackingAnswer.ok(Json.parse(row.getFSummary().data()));
    }
}
