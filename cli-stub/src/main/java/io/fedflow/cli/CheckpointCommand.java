package io.fedflow.cli;

import io.fedflow.proto.v1.CheckpointRequest;
import io.fedflow.proto.v1.CheckpointServiceGrpc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code flow checkpoint list|get}: a model component's checkpoints, with FATE's flag names. */
@Command(name = "checkpoint", mixinStandardHelpOptions = true, description = "Checkpoint Operations")
final class CheckpointCommand {
    /** FATE's CLI's exit code for a usage error, which it also uses when neither step option is given. */
    static final int USAGE = 2;

    @ParentCommand
    FlowCli flow;

    /** The model component whose checkpoints a command reads, at one role and party. */
    static final class Component {
        @Option(names = {"-r", "--role"}, required = true)
        String role;
        @Option(names = {"-p", "--party-id"}, required = true)
        String partyId;
        @Option(names = {"-mid", "--model-id"}, required = true)
        String modelId;
        @Option(names = {"-mv", "--model-version"}, required = true)
        String modelVersion;
        @Option(names = {"-cpn", "--component-name"}, required = true)
        String componentName;

        CheckpointRequest.Builder request() {
            return CheckpointRequest.newBuilder().setRole(role).setPartyId(partyId).setModelId(modelId)
                    .setModelVersion(modelVersion).setComponentName(componentName);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List checkpoints")
    int list(@Mixin Component component) {
        return flow.call(channel -> CheckpointServiceGrpc.newBlockingStub(channel).list(component.request().build()));
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = "Get a checkpoint by step_index or step_name")
    int get(@Mixin Component component,
            @Option(names = "--step-index", description = "Step index") Integer stepIndex,
            @Option(names = "--step-name", description = "Step name") String stepName) {
        if ((stepIndex == null) == (stepName == null)) {
            flow.err().println("Error: Missing option '--step-index' or '--step-name'.");
            flow.err().flush();
            return USAGE;
        }
        CheckpointRequest.Builder r = component.request();
        if (stepIndex != null) {
            r.setStepIndex(stepIndex);
        } else {
            r.setStepName(stepName);
        }
        return flow.call(channel -> CheckpointServiceGrpc.newBlockingStub(channel).get(r.build()));
    }
}
