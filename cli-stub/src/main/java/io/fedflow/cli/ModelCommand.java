package io.fedflow.cli;

import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.ModelTagRequest;
import io.fedflow.proto.v1.TagServiceGrpc;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code flow model ...}: the tags of a model version (a job id), load, bind and infer, with FATE's flag names. */
@Command(name = "model", mixinStandardHelpOptions = true, description = "Model Operations")
final class ModelCommand {
    @ParentCommand
    FlowCli flow;

    @Command(name = "tag-model", mixinStandardHelpOptions = true,
            description = "Tag a model version (creating the tag if needed), or with --remove untag it.")
    int tagModel(@Option(names = {"-j", "--job-id"}, required = true) String jobId,
                 @Option(names = {"-t", "--tag-name"}, required = true) String name,
                 @Option(names = "--remove") boolean remove) {
        ModelTagRequest r = ModelTagRequest.newBuilder().setJobId(jobId).setTagName(name).build();
        return flow.call(channel -> remove ? TagServiceGrpc.newBlockingStub(channel).untagModel(r)
                : TagServiceGrpc.newBlockingStub(channel).tagModel(r));
    }

    @Command(name = "tag-list", mixinStandardHelpOptions = true, description = "The tags of a model version.")
    int tagList(@Option(names = {"-j", "--job-id"}, required = true) String jobId) {
        return flow.call(channel -> TagServiceGrpc.newBlockingStub(channel)
                .modelTags(ModelTagRequest.newBuilder().setJobId(jobId).build()));
    }

    @Command(name = "load", mixinStandardHelpOptions = true,
            description = "Load a model at every party of it, to serve online (FATE's load conf, or a job id).")
    int load(@Option(names = {"-c", "--conf-path"}) Path conf, @Option(names = {"-j", "--job-id"}) String jobId) {
        return flow.call(channel -> ServingCommands.load(channel, conf, jobId));
    }

    @Command(name = "bind", mixinStandardHelpOptions = true,
            description = "Bind a service id (the conf's service_id) to a loaded model.")
    int bind(@Option(names = {"-c", "--conf-path"}, required = true) Path conf,
             @Option(names = {"-j", "--job-id"}) String jobId) {
        return flow.call(channel -> ServingCommands.bind(channel, conf, jobId));
    }

    @Command(name = "infer", mixinStandardHelpOptions = true,
            description = "Score online: one row (--feature-data JSON and --id) or every row of a CSV (--csv: the "
                    + "id first, then the guest's features by name).")
    int infer(@Option(names = {"-s", "--service-id"}, required = true) String serviceId,
              @Option(names = "--feature-data", description = "The guest's features, a JSON object.") String features,
              @Option(names = "--id", description = "The id the hosts score the row by.") String id,
              @Option(names = "--csv", description = "A CSV of rows to score.") Path csv,
              @Option(names = "--batch-size", defaultValue = "1000",
                      description = "Rows per call with --csv (default ${DEFAULT-VALUE}).") int batchSize,
              @Option(names = "--verbose", description = "Show the progress bar off a terminal too.") boolean verbose) {
        return flow.call(channel -> {
            if (csv != null) {
                boolean onTerminal = System.console() != null;
                Progress progress = verbose || onTerminal
                        ? Progress.rows(flow.err(), ServingCommands.rows(csv), onTerminal) : null;
                return ServingCommands.inferCsv(channel, serviceId, csv, Math.max(1, batchSize), progress);
            }
            if (features == null || id == null) {
                throw new Envelope.Failure(RetCode.ARGUMENT_ERROR.code(), "give --feature-data and --id, or --csv");
            }
            return ServingCommands.inferOne(channel, serviceId, features, id);
        });
    }
}
