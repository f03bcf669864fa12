package io.fedflow.cli;

import com.google.protobuf.Struct;
import io.fedflow.proto.v1.ListServersRequest;
import io.fedflow.proto.v1.QueryServiceRequest;
import io.fedflow.proto.v1.RegisterServiceRequest;
import io.fedflow.proto.v1.RegistryServiceGrpc;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code flow service ...}: the third-party servers and services registered at the node. FATE's CLI has only
 * {@code registry}, which shows the registered servers; the rest are the node's own routes.
 */
@Command(name = "service", mixinStandardHelpOptions = true, description = "FATE Flow External Service Operations")
final class ServiceCommand {
    @ParentCommand
    FlowCli flow;

    @Command(name = "registry", mixinStandardHelpOptions = true,
            description = "Show the registered servers (FATE's server/service/get); with -c, register services "
                    + "first (/v1/service/registry).")
    int registry(@Option(names = {"-c", "--conf-path"}, description = "One service (server_name, service_name, "
                         + "uri, method...) or FATE's batch form {SERVER: {host, port, api: {service: {uri, "
                         + "method}}}}.") Path confPath) {
        return flow.call(channel -> {
            var stub = RegistryServiceGrpc.newBlockingStub(channel);
            if (confPath == null) {
                return stub.listServers(ListServersRequest.getDefaultInstance());
            }
            Struct conf = ConfFile.read(confPath);
            RegisterServiceRequest.Builder request = RegisterServiceRequest.newBuilder();
            if (conf.containsFields("server_name")) {
                ConfFile.into(conf, request, confPath);
            } else {
                // without server_name the conf is FATE's batch form, as the JSON route reads such a body
                request.setBatch(conf);
            }
            return stub.registerService(request.build());
        });
    }

    @Command(name = "query", mixinStandardHelpOptions = true,
            description = "The registrations of a service name (upload, query, download, permission...).")
    int query(@Option(names = {"-n", "--service-name"}, required = true) String serviceName,
              @Option(names = {"-s", "--server-name"}, description = "Only those of this server.") String serverName) {
        QueryServiceRequest.Builder request = QueryServiceRequest.newBuilder().setServiceName(serviceName);
        if (serverName != null) {
            request.setServerName(serverName);
        }
        return flow.call(channel -> RegistryServiceGrpc.newBlockingStub(channel).queryService(request.build()));
    }
}
