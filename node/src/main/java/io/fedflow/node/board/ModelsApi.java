package io.fedflow.node.board;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.annotation.Blocking;
import com.linecorp.armeria.server.annotation.Default;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import io.fedflow.node.core.Limits;
import io.fedflow.node.core.Paging;
import io.fedflow.node.model.ModelRegistry;
import io.fedflow.node.wire.FateJson;

/**
 * The board's models: {@code {count, models: [...]}}, every model this node holds at each of its roles
 * (trained, deployed, imported), newest first, paged.
 */
@Blocking
public final class ModelsApi {
    private final ModelRegistry models;
    private final int maxPageRows;

    public ModelsApi(ModelRegistry models, Limits limits) {
        this.models = models;
        this.maxPageRows = limits.maxBoardPageRows();
    }

    @Get("/models")
    public HttpResponse models(@Param("page") @Default("1") String pageNumber,
                               @Param("limit") @Default("20") String limit) {
        Paging paging = BoardJson.paging(limit, pageNumber, maxPageRows);
        ModelRegistry.Page page = models.newestFirst(paging);
        ObjectNode data = FateJson.MAPPER.createObjectNode().put("count", page.count());
        ArrayNode rows = data.putArray("models");
        page.models().forEach(m -> rows.addObject()
                .put("model_id", m.modelId()).put("model_version", m.modelVersion()).put("role", m.role())
                .put("party_id", m.partyId()).put("job_id", m.jobId()).put("parent_version", m.parentVersion())
                .put("deployed", m.deployed()).put("description", m.description())
                .put("create_time", m.createTime()).put("job_status", models.jobStatus(m)));
        return BoardJson.ok(data);
    }
}
