package io.fedflow.node.board;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.annotation.Blocking;
import com.linecorp.armeria.server.annotation.Default;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import io.fedflow.node.core.Limits;
import io.fedflow.node.core.Paging;
import io.fedflow.node.job.JobFilter;
import io.fedflow.node.job.JobService;
import java.util.List;

/**
 * The board's job list: {@code {count, jobs: [...]}}, newest first, paged, each filter matching any of its
 * values (repeat a parameter for more) as job/query compares them: a status no job has finds nothing.
 */
@Blocking
public final class JobsApi {
    private final JobService jobs;
    private final int maxPageRows;

    public JobsApi(JobService jobs, Limits limits) {
        this.jobs = jobs;
        this.maxPageRows = limits.maxBoardPageRows();
    }

    @Get("/jobs")
    public HttpResponse jobs(@Param("page") @Default("1") String page, @Param("limit") @Default("20") String limit,
                             @Param("status") @Default("") List<String> statuses,
                             @Param("role") @Default("") List<String> roles,
                             @Param("party_id") @Default("") List<String> partyIds,
                             @Param("tag") @Default("") List<String> tags) {
        Paging paging = BoardJson.paging(limit, page, maxPageRows);
        JobFilter filter = JobFilter.builder().text("status", statuses).text("role", roles)
                .text("party_id", partyIds).text("tag", tags).build();
        return BoardJson.ok(jobs.page(filter, paging));
    }
}
