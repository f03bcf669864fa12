package io.fedflow.node.data;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.component.Component;
import io.fedflow.node.component.ComponentContext;
import io.fedflow.node.component.ComponentDefinition;
import io.fedflow.node.component.ParamType;
import io.fedflow.node.wire.FateJson;
import io.fedflow.proto.v1.UploadConf;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * FATE's Upload module in a DSL: loads a file of the node's import directory into a table. (The
 * /v1/data/upload call runs the same load inside the request, so the client's file streams straight in.)
 */
public final class UploadComponent implements Component {
    private final UploadService uploads;

    private UploadComponent(UploadService uploads) {
        this.uploads = uploads;
    }

    public static ComponentDefinition definition(UploadService uploads) {
        Map<String, ParamType> params = Map.ofEntries(
                Map.entry("file", ParamType.STRING), Map.entry("head", ParamType.INT),
                Map.entry("partition", ParamType.INT), Map.entry("namespace", ParamType.STRING),
                Map.entry("table_name", ParamType.STRING), Map.entry("id_delimiter", ParamType.STRING),
                Map.entry("drop", ParamType.INT), Map.entry("extend_sid", ParamType.BOOL),
                Map.entry("auto_increasing_sid", ParamType.BOOL), Map.entry("storage_engine", ParamType.STRING),
                Map.entry("schema", ParamType.OBJECT), Map.entry("with_meta", ParamType.BOOL),
                Map.entry("meta", ParamType.OBJECT), Map.entry("block_size", ParamType.INT),
                Map.entry("use_local_data", ParamType.INT), Map.entry("task_cores", ParamType.INT));
        return new ComponentDefinition("Upload", List.of(), params, Set.of("local", "guest", "host"),
                () -> new UploadComponent(uploads));
    }

    @Override
    public void run(ComponentContext ctx) {
        UploadConf.Builder conf = UploadConf.newBuilder();
        FateJson.merge(ctx.parameters(), conf);
        long count = uploads.loadForJob(conf.build(), ctx.jobId());
        ctx.logMetricData("upload", "data_access", List.of(new ComponentContext.MetricPoint("count", count)));
        ctx.setMetricMeta("upload", "data_access", "UPLOAD", null);
        ObjectNode summary = JsonNodeFactory.instance.objectNode();
        summary.put("count", count);
        summary.putObject("table").put("name", conf.getTableName()).put("namespace", conf.getNamespace());
        ctx.setSummary(summary);
        ctx.log("uploaded " + count + " rows into " + conf.getNamespace() + "." + conf.getTableName());
    }
}
