package io.fedflow.cli;

import com.google.protobuf.Struct;
import io.fedflow.proto.v1.ComponentRequest;
import io.fedflow.proto.v1.ProviderRequest;
import io.fedflow.proto.v1.ProviderServiceGrpc;
import io.fedflow.proto.v1.RegisterProviderRequest;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code flow provider ...}: the node's component provider, with FATE's flag names. */
@Command(name = "provider", mixinStandardHelpOptions = true, description = "Component Provider Operations")
final class ProviderCommand {
    @ParentCommand
    FlowCli flow;

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "The providers and their versions, or with -n one provider with its components.")
    int list(@Option(names = {"-n", "--provider-name"}) String name) {
        return flow.call(channel -> {
            var stub = ProviderServiceGrpc.newBlockingStub(channel);
            return name == null ? stub.listProviders(ProviderRequest.getDefaultInstance())
                    : stub.getProvider(ProviderRequest.newBuilder().setProviderName(name).build());
        });
    }

    @Command(name = "list-components", mixinStandardHelpOptions = true,
            description = "Every component: module, aliases, roles and parameters.")
    int listComponents() {
        return flow.call(channel -> ProviderServiceGrpc.newBlockingStub(channel)
                .listComponents(ComponentRequest.getDefaultInstance()));
    }

    @Command(name = "register", mixinStandardHelpOptions = true,
            description = "Register a provider (conf: name, version, path); a Fedflow node refuses it: its "
                    + "components are built in.")
    int register(@Option(names = {"-c", "--conf-path"}, required = true) Path confPath) {
        return flow.call(channel -> {
            Struct conf = ConfFile.read(confPath);
            return ProviderServiceGrpc.newBlockingStub(channel).registerProvider(
                    ConfFile.into(conf, RegisterProviderRequest.newBuilder(), confPath).build());
        });
    }
}
