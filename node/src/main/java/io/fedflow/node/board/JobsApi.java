package io.fedflow.node.board;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.annotation.Blocking;
import com.linecorp.armeria.server.annotation.Default;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import io.fedflow.node.job.JobService;
import io.fedflow.node.wire.FateJson;
import java.util.List;

/** The board's job list: FATE's list/job rows, newest first, paged and filtered. */
@Blocking
public final class JobsApi {
    private final JobService jobs;

    public JobsApi(JobService jobs) {
        this.jobs = jobs;
    }

    @Get("/jobs")
    public HttpResponse jobs(@Param("page") @Default("1") int page, @Param("limit") @Default("20") int limit,
                             @Param("status") @Default("") List<String> statuses) {
        ObjectNode data = jobs.list(limit, page, null, null, null, List.of(),
                statuses.stream().filter(s -> !s.isEmpty()).toList(), null, null);
        return ok(data);
    }

    /** FATE's success envelope around {@code data}. */
    static HttpResponse ok(Object data) {
        ObjectNode envelope = FateJson.MAPPER.createObjectNode();
        envelope.put("retcode", 0);
        envelope.put("retmsg", "success");
        envelope.set("data", FateJson.MAPPER.valueToTree(data));
        return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, envelope.toString());
    }
}
