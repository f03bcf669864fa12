package io.fedflow.node.data;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.fedflow.node.component.Component;
import io.fedflow.node.component.ComponentContext;
import io.fedflow.node.component.ComponentDefinition;
import io.fedflow.node.component.ParamType;
import io.fedflow.node.wire.FateJson;
import io.fedflow.proto.v1.DownloadRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** FATE's Download module in a DSL: writes a table to a file of the node's export directory. */
public final class DownloadComponent implements Component {
    private final DownloadService downloads;

    private DownloadComponent(DownloadService downloads) {
        this.downloads = downloads;
    }

    public static ComponentDefinition definition(DownloadService downloads) {
        return new ComponentDefinition("Download", List.of(), Map.of("namespace", ParamType.STRING,
                "table_name", ParamType.STRING, "output_path", ParamType.STRING, "delimiter", ParamType.STRING),
                Set.of("local", "guest", "host"), () -> new DownloadComponent(downloads));
    }

    @Override
    public void run(ComponentContext ctx) {
        DownloadRequest.Builder req = DownloadRequest.newBuilder();
        FateJson.merge(ctx.parameters(), req);
        Path written = downloads.downloadForJob(req.build(), ctx.jobId(), ctx.componentName());
        ctx.setSummary(JsonNodeFactory.instance.objectNode().put("output_path", written.toString()));
        ctx.log("wrote " + req.getNamespace() + "." + req.getTableName() + " to " + written);
    }
}
