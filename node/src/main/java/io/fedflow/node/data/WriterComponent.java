package io.fedflow.node.data;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.fedflow.node.component.Component;
import io.fedflow.node.component.ComponentContext;
import io.fedflow.node.component.ComponentDefinition;
import io.fedflow.node.component.ParamType;
import io.fedflow.node.wire.FateJson;
import io.fedflow.proto.v1.WriterRequest;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * FATE's Writer module in a DSL: copies a table into a MYSQL database and registers the copy, as
 * /v1/data/writer does. FATE's component reads {@code output_table_name}; {@code output_name} works too.
 */
public final class WriterComponent implements Component {
    private final DataWriter writer;

    private WriterComponent(DataWriter writer) {
        this.writer = writer;
    }

    public static ComponentDefinition definition(DataWriter writer) {
        return new ComponentDefinition("Writer", List.of(), Map.of("namespace", ParamType.STRING,
                "table_name", ParamType.STRING, "storage_engine", ParamType.STRING, "address", ParamType.OBJECT,
                "output_namespace", ParamType.STRING, "output_name", ParamType.STRING,
                "output_table_name", ParamType.STRING, "partitions", ParamType.INT),
                Set.of("local", "guest", "host"), () -> new WriterComponent(writer));
    }

    @Override
    public void run(ComponentContext ctx) {
        WriterRequest.Builder req = WriterRequest.newBuilder();
        FateJson.merge(ctx.parameters(), req);
        DataWriter.Written w = writer.writeForJob(req.build(), ctx.jobId(), ctx.componentName());
        ctx.setSummary(JsonNodeFactory.instance.objectNode().put("output_namespace", w.output().namespace())
                .put("output_name", w.output().name()).put("count", w.count()));
        ctx.log("wrote " + req.getNamespace() + "." + req.getTableName() + " into MYSQL as " + w.output() + " ("
                + w.count() + " rows)");
    }
}
