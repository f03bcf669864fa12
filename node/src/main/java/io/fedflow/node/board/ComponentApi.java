package io.fedflow.node.board;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.annotation.Blocking;
import com.linecorp.armeria.server.annotation.Default;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.core.Limits;
import io.fedflow.node.job.JobService;
import io.fedflow.node.job.StatusMachine;
import io.fedflow.node.tracking.MetricService;
import io.fedflow.node.tracking.OutputDataService;
import io.fedflow.node.tracking.TrackingAnswer;
import io.fedflow.node.tracking.TrackingRef;
import io.fedflow.node.tracking.TrackingService;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The board's component page: one component of a job at one role and party (the job's initiator's when the
 * page names neither), its parameters, tracked metrics ready to chart, model summary, output data paged and
 * log from a byte offset. A plain adapter over jobs, tracking and output data; an unknown job or component is
 * refused naming it.
 */
@Blocking
public final class ComponentApi {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final String PATH = "/jobs/{job_id}/components/{component}";

    private final JobService jobs;
    private final TrackingService tracking;
    private final MetricService metrics;
    private final OutputDataService outputs;
    private final int maxPageRows;
    private final int maxLogLines;

    public ComponentApi(JobService jobs, TrackingService tracking, MetricService metrics, OutputDataService outputs,
                        Limits limits) {
        this.jobs = jobs;
        this.tracking = tracking;
        this.metrics = metrics;
        this.outputs = outputs;
        this.maxPageRows = limits.maxBoardPageRows();
        this.maxLogLines = limits.maxBoardLogLines();
    }

    /** The component's latest task at the role and party the page names: where every read below looks. */
    private record Task(TrackingRef ref, JsonNode row) {
        String status() {
            return row.path("f_status").asText();
        }

        boolean ended() {
            try {
                return StatusMachine.parse(status()).isEnd();
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
    }

    private Task task(String jobId, String role, String partyId, String component) {
        TrackingRef ref = tracking.ref(jobId, role, partyId, component, true);
        try {
            JsonNode rows = jobs.queryTasks(ref.jobId(), ref.component(), ref.role(), ref.partyId(), null, null, null,
                    true);
            return new Task(ref, rows.get(0));
        } catch (FlowException e) {
            if (e.kind() != FailureKind.NOT_FOUND) {
                throw e;
            }
            throw FlowException.notFound(unknown(ref));
        }
    }

    /** Why no task matched, naming the part that does not exist. */
    private String unknown(TrackingRef ref) {
        JsonNode names;
        try {
            names = tracking.componentList(ref.jobId()).path("components");
        } catch (FlowException e) {
            return "no job " + ref.jobId() + " at this node";
        }
        for (JsonNode n : names) {
            if (n.asText().equals(ref.component())) {
                return "no task of component " + ref.component() + " of job " + ref.jobId() + " at role "
                        + ref.role() + " party_id " + ref.partyId() + " on this node";
            }
        }
        return "no component " + ref.component() + " in job " + ref.jobId();
    }

    @Get(PATH)
    public HttpResponse component(@Param("job_id") String jobId, @Param("component") String component,
                                  @Param("role") @Default("") String role,
                                  @Param("party_id") @Default("") String partyId) {
        Task t = task(jobId, role, partyId, component);
        ObjectNode out = F.objectNode();
        out.put("job_id", t.ref().jobId());
        out.put("name", t.ref().component());
        out.put("role", t.ref().role());
        out.put("party_id", t.ref().partyId());
        out.put("module", t.row().path("f_component_module").asText());
        out.put("status", t.status());
        out.put("task_id", t.row().path("f_task_id").asText());
        out.set("task_version", t.row().path("f_task_version"));
        out.set("start_time", t.row().path("f_start_time"));
        out.set("end_time", t.row().path("f_end_time"));
        out.set("elapsed", t.row().path("f_elapsed"));
        out.set("parameters", tracking.parameters(t.ref()).path("ComponentParam"));
        Set<String> upstream = new LinkedHashSet<>();
        jobs.dagDependency(t.ref().jobId(), null, null, t.ref().role(), t.ref().partyId())
                .path("dependencies").path(t.ref().component())
                .forEach(d -> upstream.add(d.path("component_name").asText()));
        ArrayNode up = out.putArray("upstream");
        upstream.forEach(up::add);
        return ok(out);
    }

    /** Every metric the component tracked: {metrics: [{namespace, name, type, data: [[x, y]...], meta}]}. */
    @Get(PATH + "/metrics")
    public HttpResponse metrics(@Param("job_id") String jobId, @Param("component") String component,
                                @Param("role") @Default("") String role,
                                @Param("party_id") @Default("") String partyId) {
        Task t = task(jobId, role, partyId, component);
        TrackingAnswer all = metrics.metricAll(t.ref());
        ObjectNode out = F.objectNode();
        ArrayNode list = out.putArray("metrics");
        all.data().fields().forEachRemaining(ns -> ns.getValue().fields().forEachRemaining(m -> {
            ObjectNode one = list.addObject();
            one.put("namespace", ns.getKey());
            one.put("name", m.getKey());
            one.put("type", m.getValue().path("meta").path("metric_type").asText(""));
            one.set("data", m.getValue().path("data"));
            one.set("meta", m.getValue().path("meta"));
        }));
        return ok(out);
    }

    /** The model's summary (weights, IV/WOE per feature, selection per filter); has_model false when none. */
    @Get(PATH + "/model")
    public HttpResponse model(@Param("job_id") String jobId, @Param("component") String component,
                              @Param("role") @Default("") String role,
                              @Param("party_id") @Default("") String partyId) {
        Task t = task(jobId, role, partyId, component);
        TrackingAnswer model = tracking.outputModel(t.ref());
        boolean saved = model.meta() != null;
        return ok(ModelSummary.of(t.row().path("f_component_module").asText(), saved ? model.data() : null));
    }

    /** One page of the component's output data: {header, rows, total, page, limit, data_name}. */
    @Get(PATH + "/data")
    public HttpResponse data(@Param("job_id") String jobId, @Param("component") String component,
                             @Param("role") @Default("") String role, @Param("party_id") @Default("") String partyId,
                             @Param("page") @Default("1") long page, @Param("limit") @Default("20") int limit,
                             @Param("data_name") @Default("") String dataName) {
        if (page < 1) {
            throw FlowException.argument("page must be at least 1, got " + page);
        }
        if (limit < 1) {
            throw FlowException.argument("limit must be at least 1, got " + limit);
        }
        if (limit > maxPageRows) {
            throw FlowException.argument("limit " + limit + " is over the cap of " + maxPageRows + " rows a page ("
                    + Limits.MAX_BOARD_PAGE_ROWS_FLAG + ")");
        }
        Task t = task(jobId, role, partyId, component);
        OutputDataService.OutputPage p = outputs.page(t.ref(), dataName, (page - 1) * limit, limit);
        ObjectNode out = F.objectNode();
        out.put("data_name", p.dataName());
        ArrayNode header = out.putArray("header");
        p.header().forEach(header::add);
        out.set("rows", p.rows());
        out.put("total", p.total());
        out.put("page", page);
        out.put("limit", limit);
        return ok(out);
    }

    /**
     * The component's log lines from byte {@code offset}: {lines, next_offset, ended}; ended once the task
     * ended and every line of it was read, when a page following it stops.
     */
    @Get(PATH + "/log")
    public HttpResponse log(@Param("job_id") String jobId, @Param("component") String component,
                            @Param("role") @Default("") String role, @Param("party_id") @Default("") String partyId,
                            @Param("offset") @Default("0") long offset) {
        Task t = task(jobId, role, partyId, component);
        // the status is read before the file: a task seen ended has written its last line already
        boolean taskEnded = t.ended();
        ComponentLog.Chunk c = ComponentLog.read(jobs.logDirectory(t.ref().jobId()), t.ref().role(),
                t.ref().partyId(), t.ref().component(), offset, maxLogLines, taskEnded);
        ObjectNode out = F.objectNode();
        ArrayNode lines = out.putArray("lines");
        c.lines().forEach(lines::add);
        out.put("next_offset", c.nextOffset());
        out.put("ended", taskEnded && c.atEnd());
        out.put("status", t.status());
        return ok(out);
    }

    private static HttpResponse ok(Object data) {
        return BoardJson.ok(data);
    }
}
