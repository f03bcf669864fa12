package io.fedflow.cli;

import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.ModelArchiveFile;
import io.fedflow.proto.v1.ModelArchiveRequest;
import io.fedflow.proto.v1.ModelArchiveServiceGrpc;
import io.fedflow.proto.v1.ModelImportRequest;
import io.fedflow.proto.v1.ModelMigrateRequest;
import io.fedflow.proto.v1.ModelServiceGrpc;
import io.fedflow.proto.v1.ModelTagRequest;
import io.fedflow.proto.v1.TagServiceGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code flow model ...}: the tags of a model version (a job id), migrate, and moving a model: export (to a
 * file, or with --to-database to the node's model store), import (from a file, or with --from-database from
 * the model store), with FATE's flag names.
 */
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

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write a model's archive to OUTPUT_PATH/<party model id>_<version>.zip, or with "
                    + "--to-database keep it in the node's model store.")
    int export(@Option(names = {"-c", "--conf-path"}, required = true,
                       description = "role, party_id, model_id, model_version (store: force_update).") Path confPath,
               @Option(names = {"-o", "--output-path"}, description = "Directory of the archive (default: the "
                       + "conf's output_path).") Path outputPath,
               @Option(names = "--to-database", description = "Store the archive in the model store instead.")
               boolean toDatabase) {
        return flow.call(channel -> {
            Struct raw = ConfFile.read(confPath);
            ModelArchiveRequest request = ConfFile.into(raw, ModelArchiveRequest.newBuilder(), confPath).build();
            var stub = ModelArchiveServiceGrpc.newBlockingStub(channel);
            if (toDatabase) {
                return stub.store(request);
            }
            Path dir = outputPath != null ? outputPath : Path.of(raw.getFieldsOrDefault("output_path",
                    Envelope.string("")).getStringValue());
            if (dir.toString().isEmpty()) {
                throw new Envelope.Failure(RetCode.ARGUMENT_ERROR.code(), "required argument are missing: "
                        + "output_path (-o)");
            }
            ModelArchiveFile file = stub.export(request);
            Path target = dir.toAbsolutePath().normalize().resolve(file.getFileName());
            Files.createDirectories(target.getParent());
            Files.write(target, file.getContent().toByteArray());
            return FlowResponse.newBuilder().setRetmsg("export model successfully, please check " + target)
                    .setData(Value.newBuilder().setStructValue(Struct.newBuilder()
                            .putFields("file", Envelope.string(target.toString()))
                            .putFields("sha256", Envelope.string(file.getSha256())))).build();
        });
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Save the model an archive holds at the node, or with --from-database restore it from "
                    + "the node's model store.")
    int importModel(@Option(names = {"-c", "--conf-path"}, required = true,
                            description = "role, party_id, model_id, model_version, file (the archive), "
                                    + "force_update; restore: sha256.") Path confPath,
                    @Option(names = "--from-database", description = "Restore from the model store instead.")
                    boolean fromDatabase) {
        return flow.call(channel -> {
            Struct raw = ConfFile.read(confPath);
            var stub = ModelArchiveServiceGrpc.newBlockingStub(channel);
            if (fromDatabase) {
                return stub.restore(ConfFile.into(raw, ModelArchiveRequest.newBuilder(), confPath).build());
            }
            Path file = DataCommand.clientFile(raw.getFieldsOrDefault("file", Envelope.string(""))
                    .getStringValue(), confPath);
            ModelImportRequest.Builder request = ModelImportRequest.newBuilder();
            Struct.Builder withoutFile = raw.toBuilder().removeFields("file");
            ConfFile.into(withoutFile.build(), request, confPath);
            return stub.import_(request.setFile(ByteString.copyFrom(Files.readAllBytes(file))).build());
        });
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
