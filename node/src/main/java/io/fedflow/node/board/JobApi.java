package io.fedflow.node.board;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.annotation.Blocking;
import com.linecorp.armeria.server.annotation.Default;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.job.JobService;
import io.fedflow.node.wire.FateJson;
import java.util.List;

/**
 * One job on the board: {@code {job, dsl, runtime_conf, parties, components}}, and its stop and rerun, done
 * as /v1/job/stop and /v1/job/rerun do them (the board's access check guards the POSTs).
 */
@Blocking
public final class JobApi {
    private final JobService jobs;

    public JobApi(JobService jobs) {
        this.jobs = jobs;
    }

    @Get("/jobs/{job_id}")
    public HttpResponse job(@Param("job_id") String jobId, @Param("role") @Default("") String role,
                            @Param("party_id") @Default("") String partyId) {
        return BoardJson.ok(jobs.overview(jobId, role, partyId));
    }

    /** Body {@code {"status": "canceled"}} (or failed; canceled when not given). */
    @Post("/jobs/{job_id}/stop")
    public HttpResponse stop(@Param("job_id") String jobId, AggregatedHttpRequest request) {
        JsonNode body = body(request);
        String status = body.path("status").asText("");
        jobs.stop(jobId, status);
        ObjectNode data = FateJson.MAPPER.createObjectNode().put("job_id", jobId)
                .put("status", status.isBlank() ? "canceled" : status);
        return BoardJson.ok(data);
    }

    /** Body {@code {"component_name": "lr_0"}}: that component and what follows it; without it, what did not succeed. */
    @Post("/jobs/{job_id}/rerun")
    public HttpResponse rerun(@Param("job_id") String jobId, AggregatedHttpRequest request) {
        String component = body(request).path("component_name").asText("");
        List<String> rerun = jobs.rerun(jobId, component.isBlank() ? List.of() : List.of(component), false);
        ObjectNode data = FateJson.MAPPER.createObjectNode().put("job_id", jobId);
        rerun.forEach(data.putArray("components")::add);
        return BoardJson.ok(data);
    }

    private static JsonNode body(AggregatedHttpRequest request) {
        String text = request.contentUtf8();
        if (text.isBlank()) {
            return FateJson.MAPPER.createObjectNode();
        }
        try {
            JsonNode body = FateJson.MAPPER.readTree(text);
            if (!body.isObject()) {
                throw FlowException.argument("the body must be a JSON object");
            }
            return body;
        } catch (JsonProcessingException e) {
            throw FlowException.argument("the body is not JSON: " + e.getOriginalMessage());
        }
    }
}
