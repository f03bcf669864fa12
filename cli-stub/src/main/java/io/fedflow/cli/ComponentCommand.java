package io.fedflow.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.ComponentModelServiceGrpc;
import io.fedflow.proto.v1.ComponentRef;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.HeteroMergeRequest;
import io.fedflow.proto.v1.TrackingServiceGrpc;
import io.fedflow.proto.v1.TrackingServiceGrpc.TrackingServiceBlockingStub;
import io.fedflow.proto.v1.WoeArrayRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code flow component ...}: what a job's components produced (FATE's tracking API). */
@Command(name = "component", aliases = "tracking", mixinStandardHelpOptions = true,
        description = "Component Operations")
final class ComponentCommand {
    @ParentCommand
    FlowCli flow;

    /** The component a command is about; role and party default to the job's initiator's on the node. */
    static final class Cpn {
        @Option(names = {"-j", "--job-id"}, required = true)
        String jobId;
        @Option(names = {"-r", "--role"})
        String role;
        @Option(names = {"-p", "--party-id"})
        String partyId;
        @Option(names = {"-cpn", "--component-name"}, required = true)
        String component;

        ComponentRef.Builder request() {
            ComponentRef.Builder b = ComponentRef.newBuilder().setJobId(jobId).setComponentName(component);
            if (role != null) {
                b.setRole(role);
            }
            if (partyId != null) {
                b.setPartyId(partyId);
            }
            return b;
        }
    }

    @Command(name = "parameters", mixinStandardHelpOptions = true, description = "The component's parameters.")
    int parameters(@Mixin Cpn cpn) {
        return on(cpn, TrackingServiceBlockingStub::componentParameters);
    }

    @Command(name = "metric-all", mixinStandardHelpOptions = true,
            description = "Every metric of the component: points and meta by namespace and name.")
    int metricAll(@Mixin Cpn cpn) {
        return on(cpn, TrackingServiceBlockingStub::metricAll);
    }

    @Command(name = "metrics", mixinStandardHelpOptions = true, description = "The component's metric names.")
    int metrics(@Mixin Cpn cpn) {
        return on(cpn, TrackingServiceBlockingStub::metrics);
    }

    @Command(name = "metric-delete", mixinStandardHelpOptions = true,
            description = "Delete a job's metrics (optionally only one component's).")
    int metricDelete(@Option(names = {"-j", "--job-id"}, required = true) String jobId,
                     @Option(names = {"-cpn", "--component-name"}) String component) {
        ComponentRef.Builder request = ComponentRef.newBuilder().setJobId(jobId);
        if (component != null) {
            request.setComponentName(component);
        }
        return flow.call(channel -> TrackingServiceGrpc.newBlockingStub(channel).deleteMetrics(request.build()));
    }

    @Command(name = "output-model", mixinStandardHelpOptions = true,
            description = "The component's output model (FATE's Param; its Meta in meta).")
    int outputModel(@Mixin Cpn cpn) {
        return on(cpn, TrackingServiceBlockingStub::outputModel);
    }

    @Command(name = "output-data-table", mixinStandardHelpOptions = true,
            description = "The tables holding the component's output data.")
    int outputDataTable(@Mixin Cpn cpn) {
        return on(cpn, TrackingServiceBlockingStub::outputDataTable);
    }

    @Command(name = "get-summary", aliases = "summary", mixinStandardHelpOptions = true,
            description = "The component's summary.")
    int summary(@Mixin Cpn cpn) {
        return on(cpn, TrackingServiceBlockingStub::componentSummary);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "A job's components, in DSL order.")
    int list(@Option(names = {"-j", "--job-id"}, required = true) String jobId) {
        return flow.call(channel -> TrackingServiceGrpc.newBlockingStub(channel)
                .componentList(ComponentRef.newBuilder().setJobId(jobId).build()));
    }

    @Command(name = "output-data", mixinStandardHelpOptions = true,
            description = "Download the component's output data (<name>.csv and <name>.meta per output) into "
                    + "OUTPUT_PATH/job_<job>_<component>_<role>_<party>_output_data.")
    int outputData(@Option(names = {"-j", "--job-id"}, required = true) String jobId,
                   @Option(names = {"-r", "--role"}, required = true) String role,
                   @Option(names = {"-p", "--party-id"}, required = true) String partyId,
                   @Option(names = {"-cpn", "--component-name"}, required = true) String component,
                   @Option(names = {"-o", "--output-path"}, required = true) Path outputPath,
                   @Option(names = {"-l", "--limit"}, defaultValue = "-1",
                           description = "Rows per output (default: all).") int limit) {
        Map<String, Value> extra = new LinkedHashMap<>();
        return flow.call(channel -> {
            String name = "job_" + jobId + "_" + component + "_" + role + "_" + partyId + "_output_data";
            Path dir = outputPath.toAbsolutePath().normalize().resolve(name);
            Archives.downloadAndExtract(TrackingServiceGrpc.newBlockingStub(channel).downloadOutputData(
                    ComponentRef.newBuilder().setJobId(jobId).setRole(role).setPartyId(partyId)
                            .setComponentName(component).setLimit(limit).build()), dir);
            extra.put("directory", Envelope.string(dir.toString()));
            return FlowResponse.newBuilder().setRetmsg("Download successfully, please check " + dir + " directory")
                    .build();
        }, extra);
    }

    @Command(name = "hetero-model-merge", aliases = "hetero-merge", mixinStandardHelpOptions = true,
            description = "Merge the guest's and the host's parts of a HeteroLR model (both held by this node: import "
                    + "the host's export first) into one model, written to OUTPUT_PATH as PMML or scikit-learn's "
                    + "attributes as JSON.")
    int heteroModelMerge(@Option(names = {"-mid", "--model-id"}, required = true) String modelId,
                         @Option(names = {"-mv", "--model-version"}, required = true) String modelVersion,
                         @Option(names = {"-gid", "--guest-party-id"}, required = true) String guestPartyId,
                         @Option(names = {"-hids", "--host-party-ids"}, required = true,
                                 description = "Comma-separated (one host for HeteroLR).") String hostPartyIds,
                         @Option(names = {"-cpn", "--component-name"}, required = true) String component,
                         @Option(names = "--model-type", required = true, description = "lr") String modelType,
                         @Option(names = "--output-format", required = true, description = "pmml or sklearn")
                         String outputFormat,
                         @Option(names = "--target-name", description = "The PMML target (default y).")
                         String targetName,
                         @Option(names = "--host-rename", negatable = true, description = "For tree models; "
                                 + "ignored for LR, as FATE does.") boolean hostRename,
                         @Option(names = "--include-guest-coef", negatable = true,
                                 description = "Put the guest's coefficients in too (default: the host's only).")
                         boolean includeGuestCoef,
                         @Option(names = {"-o", "--output-path"}, required = true, description = "The file to write.")
                         Path outputPath) {
        HeteroMergeRequest.Builder r = HeteroMergeRequest.newBuilder().setModelId(modelId)
                .setModelVersion(modelVersion).setGuestPartyId(guestPartyId).setComponentName(component)
                .setModelType(modelType).setOutputFormat(outputFormat).setHostRename(hostRename)
                .setIncludeGuestCoef(includeGuestCoef);
        for (String h : hostPartyIds.split(",")) {
            r.addHostPartyIds(h.trim());
        }
        if (targetName != null) {
            r.setTargetName(targetName);
        }
        return flow.call(channel -> written(ComponentModelServiceGrpc.newBlockingStub(channel)
                .heteroMerge(r.build()), outputPath, true));
    }

    @Command(name = "woe-array-extract", mixinStandardHelpOptions = true,
            description = "Write the WOE arrays of the host's features, from the guest's HeteroFeatureBinning "
                    + "model, to OUTPUT_PATH as JSON.")
    int woeArrayExtract(@Mixin ModelCpn cpn,
                        @Option(names = {"-o", "--output-path"}, required = true, description = "The file to write.")
                        Path outputPath) {
        return flow.call(channel -> written(ComponentModelServiceGrpc.newBlockingStub(channel)
                .woeArrayExtract(cpn.request().build()), outputPath, false));
    }

    @Command(name = "woe-array-merge", mixinStandardHelpOptions = true,
            description = "Put the WOE arrays of a woe-array-extract file into the host's HeteroFeatureBinning "
                    + "model: saved as a new model version.")
    int woeArrayMerge(@Mixin ModelCpn cpn,
                      @Option(names = "--woe-array-file", required = true,
                              description = "The JSON file woe-array-extract wrote.") Path woeArrayFile) {
        return flow.call(channel -> ComponentModelServiceGrpc.newBlockingStub(channel).woeArrayMerge(
                cpn.request().setWoeArray(json(woeArrayFile)).build()));
    }

    /** A party's component in a model version, as FATE's woe-array commands name it. */
    static final class ModelCpn {
        @Option(names = {"-mid", "--model-id"}, required = true)
        String modelId;
        @Option(names = {"-mv", "--model-version"}, required = true)
        String modelVersion;
        @Option(names = {"-r", "--role"}, required = true)
        String role;
        @Option(names = {"-p", "--party-id"}, required = true)
        String partyId;
        @Option(names = {"-cpn", "--component-name"}, required = true)
        String component;

        WoeArrayRequest.Builder request() {
            return WoeArrayRequest.newBuilder().setModelId(modelId).setModelVersion(modelVersion).setRole(role)
                    .setPartyId(partyId).setComponentName(component);
        }
    }

    /**
     * As FATE's CLI: the answer's data goes to the file (the string itself, or JSON), and an answer without data
     * is printed as it came.
     */
    private static FlowResponse written(FlowResponse r, Path outputPath, boolean raw) throws IOException {
        if (r.getRetcode() != 0 || !r.hasData()) {
            return r;
        }
        Path file = outputPath.toAbsolutePath().normalize();
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Files.writeString(file, raw ? r.getData().getStringValue() : Envelope.pretty(r.getData()),
                StandardCharsets.UTF_8);
        return FlowResponse.newBuilder().setRetmsg("success, written to " + file).build();
    }

    private static Value json(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Envelope.Failure(RetCode.ARGUMENT_ERROR.code(), "cannot read woe array file " + file + ": "
                    + e);
        }
        Value.Builder value = Value.newBuilder();
        try {
            JsonFormat.parser().merge(text, value);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw new Envelope.Failure(RetCode.ARGUMENT_ERROR.code(), "woe array file " + file + " is not JSON: "
                    + e.getMessage());
        }
        return value.build();
    }

    private int on(Cpn cpn, BiFunction<TrackingServiceBlockingStub, ComponentRef, FlowResponse> rpc) {
        return flow.call(channel -> rpc.apply(TrackingServiceGrpc.newBlockingStub(channel), cpn.request().build()));
    }
}
