package io.fedflow.cli;

import com.google.protobuf.Value;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.TemplateRequest;
import io.fedflow.proto.v1.TemplateServiceGrpc;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code flow template download}: the node's example DSLs, confs and data, extracted as FATE's CLI does. */
@Command(name = "template", mixinStandardHelpOptions = true, description = "Template Operations")
final class TemplateCommand {
    @ParentCommand
    FlowCli flow;

    @Command(name = "download", mixinStandardHelpOptions = true,
            description = "Download the example DSLs, confs and data and extract them into OUTPUT_PATH.")
    int download(@Option(names = "--min-data", description = "1: only the breast_hetero pair of the data.")
                 int minData,
                 @Option(names = {"-o", "--output-path"}, required = true) Path outputPath) {
        Map<String, Value> extra = new LinkedHashMap<>();
        return flow.call(channel -> {
            Path dir = outputPath.toAbsolutePath().normalize();
            Archives.downloadAndExtract(TemplateServiceGrpc.newBlockingStub(channel)
                    .downloadTemplates(TemplateRequest.newBuilder().setMinData(minData != 0).build()), dir);
            extra.put("directory", Envelope.string(dir.toString()));
            return FlowResponse.newBuilder().setRetmsg("download successfully, please check " + dir + " directory")
                    .build();
        }, extra);
    }
}
