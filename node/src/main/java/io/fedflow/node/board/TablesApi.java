package io.fedflow.node.board;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.annotation.Blocking;
import com.linecorp.armeria.server.annotation.Default;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import io.fedflow.node.core.Limits;
import io.fedflow.node.core.Paging;
import io.fedflow.node.data.TableCatalog;
import io.fedflow.node.job.JobService;
import io.fedflow.node.wire.FateJson;

/**
 * The board's tables: {@code {tables: {count, tables: [...]}, uploads: {count, uploads: [...]}}}, the tables
 * this node knows (rows, engine, where they came from) and its upload history, both newest first, one page
 * each of the same page and limit.
 */
@Blocking
public final class TablesApi {
    private final TableCatalog tables;
    private final JobService jobs;
    private final int maxPageRows;

    public TablesApi(TableCatalog tables, JobService jobs, Limits limits) {
        this.tables = tables;
        this.jobs = jobs;
        this.maxPageRows = limits.maxBoardPageRows();
    }

    @Get("/tables")
    public HttpResponse tables(@Param("page") @Default("1") String page, @Param("limit") @Default("20") String limit) {
        Paging paging = BoardJson.paging(limit, page, maxPageRows);
        ObjectNode data = FateJson.MAPPER.createObjectNode();
        data.set("tables", tables.list(paging));
        data.set("uploads", jobs.uploads(paging));
        return BoardJson.ok(data);
    }
}
