package io.fedflow.cli;

import io.fedflow.proto.v1.PermissionRequest;
import io.fedflow.proto.v1.PermissionServiceGrpc;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code flow privilege ...}: FATE 1.9+'s party grants, as its CLI sends them ({@code /v1/permission/grant},
 * {@code delete}, {@code query}): what another party may read here, by component and by dataset.
 */
@Command(name = "privilege", mixinStandardHelpOptions = true, description = "Privilege Operations")
final class PrivilegeCommand {
    @ParentCommand
    FlowCli flow;

    @Command(name = "grant", mixinStandardHelpOptions = true,
            description = "Grant a party components and datasets (conf: party_id, component \"reader,dataio\" or "
                    + "\"*\", dataset [{namespace, name}] or \"*\").")
    int grant(@Option(names = {"-c", "--conf-path"}, required = true, description = "Grant conf (JSON).")
              Path confPath) {
        return flow.call(channel -> PermissionServiceGrpc.newBlockingStub(channel).grant(request(confPath)));
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Take components and datasets back from a party (the same conf as grant).")
    int delete(@Option(names = {"-c", "--conf-path"}, required = true, description = "Delete conf (JSON).")
               Path confPath) {
        return flow.call(channel -> PermissionServiceGrpc.newBlockingStub(channel).delete(request(confPath)));
    }

    @Command(name = "query", mixinStandardHelpOptions = true,
            description = "The components and datasets a party is granted.")
    int query(@Option(names = {"-p", "--party-id"}, required = true) String partyId) {
        return flow.call(channel -> PermissionServiceGrpc.newBlockingStub(channel)
                .query(PermissionRequest.newBuilder().setPartyId(partyId).build()));
    }

    private static PermissionRequest request(Path confPath) {
        return ConfFile.into(ConfFile.read(confPath), PermissionRequest.newBuilder(), confPath).build();
    }
}
