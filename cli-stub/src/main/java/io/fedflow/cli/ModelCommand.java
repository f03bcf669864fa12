package io.fedflow.cli;

import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.ModelArchiveFile;
import io.fedflow.proto.v1.ModelArchiveRequest;
import io.fedflow.proto.v1.ModelArchiveServiceGrpc;
import io.fedflow.proto.v1.ModelDeployRequest;
import io.fedflow.proto.v1.ModelImportRequest;
import io.fedflow.proto.v1.ModelMigrateRequest;
import io.fedflow.proto.v1.ModelPredictFileRequest;
import io.fedflow.proto.v1.ModelQueryRequest;
import io.fedflow.proto.v1.ModelServiceGrpc;
import io.fedflow.proto.v1.ModelTagRequest;
import io.fedflow.proto.v1.TagServiceGrpc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code flow model ...}: the tags of a model version (a job id), deploy, the predict DSL and conf of a deployed
 * model, the model info, migrate, and moving a model: export (to a file, or with --to-database to the node's
 * model store), import (from a file, or with --from-database from the model store), load, bind and online inference, with FATE's
 * flag names.
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

    /** The 11 row fields FATE's {@code get-model-info} asks for unless --detail. */
    static final List<String> INFO_FIELDS = List.of("create_date", "role", "party_id", "roles", "model_id",
            "model_version", "loaded_times", "size", "description", "parent", "parent_info");

    @Command(name = "deploy", mixinStandardHelpOptions = true,
            description = "Deploy a trained model: a child version with the predict DSL made from --cpn-list, "
                    + "--cpn-path or --dsl-path (every component when none is given), at every party of the model.")
    int deploy(@Option(names = "--model-id", required = true) String modelId,
               @Option(names = "--model-version", required = true) String modelVersion,
               @Option(names = "--cpn-list", description = "The components to deploy (comma-separated).")
               String cpnList,
               @Option(names = "--cpn-path", description = "A file listing the components to deploy.") Path cpnPath,
               @Option(names = "--dsl-path", description = "A predict DSL file.") Path dslPath,
               @Option(names = "--cpn-step-index", description = "A checkpoint to deploy, as cpn_a:123.")
               List<String> stepIndex,
               @Option(names = "--cpn-step-name", description = "A checkpoint to deploy, as cpn_b:foobar.")
               List<String> stepName) {
        return flow.call(channel -> {
            ModelDeployRequest.Builder r = ModelDeployRequest.newBuilder().setModelId(modelId)
                    .setModelVersion(modelVersion);
            String cpns = cpnList != null ? cpnList : cpnPath != null ? read(cpnPath) : null;
            if (cpns != null) {
                // as FATE's CLI: spaces, line breaks and surrounding brackets dropped, then split on commas
                for (String c : cpns.replace(" ", "").replace("\n", "").replaceAll("^[,\\[\\]]+|[,\\[\\]]+$", "")
                        .split(",")) {
                    if (!c.isEmpty()) {
                        r.addCpnList(c);
                    }
                }
            } else if (dslPath != null) {
                r.setDsl(Envelope.string(read(dslPath)));
            }
            Struct.Builder checkpoints = Struct.newBuilder();
            step(checkpoints, stepIndex, "step_index", true);
            step(checkpoints, stepName, "step_name", false);
            r.setComponentsCheckpoint(Value.newBuilder().setStructValue(checkpoints));
            return ModelServiceGrpc.newBlockingStub(channel).deploy(r.build());
        });
    }

    private static void step(Struct.Builder checkpoints, List<String> steps, String key, boolean number) {
        if (steps == null) {
            return;
        }
        for (String s : steps) {
            int colon = s.indexOf(':');
            if (colon < 1 || colon == s.length() - 1) {
                throw new Envelope.Failure(RetCode.ARGUMENT_ERROR.code(), "--cpn-" + key.replace('_', '-') + " "
                        + s + " is not <component>:<" + key.replace("step_", "step ") + ">");
            }
            String value = s.substring(colon + 1);
            Value v;
            if (number) {
                try {
                    v = Envelope.number(Long.parseLong(value));
                } catch (NumberFormatException e) {
                    throw new Envelope.Failure(RetCode.ARGUMENT_ERROR.code(), "--cpn-step-index " + s
                            + ": the step index is not a number");
                }
            } else {
                v = Envelope.string(value);
            }
            checkpoints.putFields(s.substring(0, colon), Value.newBuilder().setStructValue(
                    Struct.newBuilder().putFields(key, v)).build());
        }
    }

    @Command(name = "get-predict-dsl", mixinStandardHelpOptions = true,
            description = "Write the predict DSL of a deployed model to OUTPUT_PATH as predict_dsl_<time>.json.")
    int getPredictDsl(@Option(names = "--model-id", required = true) String modelId,
                      @Option(names = "--model-version", required = true) String modelVersion,
                      @Option(names = {"-o", "--output-path"}, required = true) Path outputPath) {
        return flow.call(channel -> writeFile(ModelServiceGrpc.newBlockingStub(channel).getPredictDsl(
                file(modelId, modelVersion)), outputPath, "predict_dsl", "dsl"));
    }

    @Command(name = "get-predict-conf", mixinStandardHelpOptions = true,
            description = "Write the predict conf template of a model to OUTPUT_PATH as predict_conf_<time>.json.")
    int getPredictConf(@Option(names = "--model-id", required = true) String modelId,
                       @Option(names = "--model-version", required = true) String modelVersion,
                       @Option(names = {"-o", "--output-path"}, required = true) Path outputPath) {
        return flow.call(channel -> writeFile(ModelServiceGrpc.newBlockingStub(channel).getPredictConf(
                file(modelId, modelVersion)), outputPath, "predict_conf", "conf"));
    }

    @Command(name = "get-model-info", mixinStandardHelpOptions = true,
            description = "The model's rows at this node (FATE's 11 fields; every field with --detail).")
    int getModelInfo(@Option(names = "--model-id") String modelId,
                     @Option(names = "--model-version", required = true) String modelVersion,
                     @Option(names = {"-r", "--role"}) String role,
                     @Option(names = {"-p", "--party-id"}) String partyId,
                     @Option(names = "--detail") boolean detail) {
        ModelQueryRequest.Builder r = ModelQueryRequest.newBuilder().setModelVersion(modelVersion);
        if (modelId != null) {
            r.setModelId(modelId);
        }
        if (role != null) {
            r.setRole(role);
        }
        if (partyId != null) {
            r.setPartyId(partyId);
        }
        if (!detail) {
            r.addAllQueryFilters(INFO_FIELDS);
        }
        return flow.call(channel -> ModelServiceGrpc.newBlockingStub(channel).query(r.build()));
    }

    private static ModelPredictFileRequest file(String modelId, String modelVersion) {
        return ModelPredictFileRequest.newBuilder().setModelId(modelId).setModelVersion(modelVersion).build();
    }

    /** As FATE's CLI: the file is {@code <kind>_<yyyyMMddHHmmss>.json} under the output path. */
    private static FlowResponse writeFile(FlowResponse r, Path outputPath, String kind, String what)
            throws IOException {
        if (r.getRetcode() != 0) {
            return r;
        }
        Path file = outputPath.toAbsolutePath().normalize().resolve(kind + "_"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMddHHmmss")) + ".json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, Envelope.pretty(r.getData()), StandardCharsets.UTF_8);
        return FlowResponse.newBuilder().setRetmsg("Query predict " + what + " successfully. File path is: " + file)
                .build();
    }

    private static String read(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new Envelope.Failure(RetCode.ARGUMENT_ERROR.code(), "file " + file + " does not exist");
        }
    }
}
