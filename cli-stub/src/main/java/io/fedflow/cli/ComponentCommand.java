package io.fedflow.cli;

import com.google.protobuf.Value;
import io.fedflow.proto.v1.ComponentRef;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.TrackingServiceGrpc;
import io.fedflow.proto.v1.TrackingServiceGrpc.TrackingServiceBlockingStub;
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

    private int on(Cpn cpn, BiFunction<TrackingServiceBlockingStub, ComponentRef, FlowResponse> rpc) {
        return flow.call(channel -> rpc.apply(TrackingServiceGrpc.newBlockingStub(channel), cpn.request().build()));
    }
}
