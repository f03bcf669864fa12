package io.fedflow.node.board;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.annotation.Blocking;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.job.JobService;
import io.fedflow.node.wire.FateJson;
import java.util.Map;

/** The board's actions on a job (guarded by {@link BoardAccess}: a session's CSRF token, never cross-site). */
@Blocking
public final class JobActionsApi {
    private final JobService jobs;

    public JobActionsApi(JobService jobs) {
        this.jobs = jobs;
    }

    /** FATE's job/stop: {@code status} canceled (the default) or failed. */
    @Post("/jobs/{job_id}/stop")
    public HttpResponse stop(@Param("job_id") String jobId, AggregatedHttpRequest req) {
        ObjectNode body = FateJson.parseObjectBody(req.content().array());
        JsonNode status = body.get("status");
        if (status != null && !status.isNull() && !status.isTextual()) {
            throw FlowException.argument("status must be a string (canceled or failed)");
        }
        jobs.stop(jobId, status == null || status.isNull() ? null : status.textValue());
        return BoardJson.ok(Map.of("job_id", jobId));
    }
}
