package io.fedflow.cli;

import io.fedflow.proto.v1.ProviderServiceGrpc;
import io.fedflow.proto.v1.RegistryServiceGrpc;
import io.fedflow.proto.v1.ReloadRequest;
import io.fedflow.proto.v1.VersionRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code flow server ...}: the node's versions, and reloading its registered services. */
@Command(name = "server", mixinStandardHelpOptions = true, description = "FATE Flow Server Operations")
final class ServerCommand {
    @ParentCommand
    FlowCli flow;

    @Command(name = "versions", mixinStandardHelpOptions = true, description = "The versions of the node's modules.")
    int versions() {
        return flow.call(channel -> ProviderServiceGrpc.newBlockingStub(channel)
                .getServerVersions(VersionRequest.getDefaultInstance()));
    }

    @Command(name = "reload", mixinStandardHelpOptions = true,
            description = "Re-read the registered servers and services and rebuild the hooks in force.")
    int reload() {
        return flow.call(channel -> RegistryServiceGrpc.newBlockingStub(channel)
                .reload(ReloadRequest.getDefaultInstance()));
    }
}
