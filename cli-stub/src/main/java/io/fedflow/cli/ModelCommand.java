package io.fedflow.cli;

import io.fedflow.proto.v1.ModelMigrateRequest;
import io.fedflow.proto.v1.ModelServiceGrpc;
import io.fedflow.proto.v1.ModelTagRequest;
import io.fedflow.proto.v1.TagServiceGrpc;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code flow model ...}: the tags of a model version (a job id) and migrate, with FATE's flag names. */
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

    @Command(name = "migrate", mixinStandardHelpOptions = true,
            description = "Re-issue a model for new party ids at every execute party (FATE's migrate conf).")
    int migrate(@Option(names = {"-c", "--conf-path"}, required = true,
            description = "Migrate conf (JSON): migrate_initiator, role, migrate_role, model_id, model_version, "
                    + "execute_party, job_parameters, optional unify_model_version.") Path confPath) {
        return flow.call(channel -> ModelServiceGrpc.newBlockingStub(channel).migrate(
                ConfFile.into(ConfFile.read(confPath), ModelMigrateRequest.newBuilder(), confPath).build()));
    }
}
