package io.fedflow.cli;

import io.fedflow.proto.v1.KeyRequest;
import io.fedflow.proto.v1.SiteServiceGrpc;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code flow key ...}: FATE's key commands, answered by the node from its peer table (a peer's key is
 * saved only once the peer is added with {@code flow site peer add}).
 */
@Command(name = "key", mixinStandardHelpOptions = true, description = "Public Key Operations")
final class KeyCommand {
    @ParentCommand
    FlowCli flow;

    @Command(name = "save", mixinStandardHelpOptions = true, description = "Save a peer's public key.")
    int save(@Option(names = {"-c", "--conf-path"}, required = true,
                     description = "JSON conf: party_id and key (PEM).") Path confPath) {
        return flow.call(channel -> SiteServiceGrpc.newBlockingStub(channel).savePublicKey(
                ConfFile.into(ConfFile.read(confPath), KeyRequest.newBuilder(), confPath).build()));
    }

    @Command(name = "query", mixinStandardHelpOptions = true,
            description = "A party's public key: this site's own for its party id, else the peer's.")
    int query(@Option(names = {"-p", "--party-id"}, required = true) String partyId) {
        return flow.call(channel -> SiteServiceGrpc.newBlockingStub(channel)
                .queryKey(KeyRequest.newBuilder().setPartyId(partyId).build()));
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a peer's public key, and with it the peer.")
    int delete(@Option(names = {"-p", "--party-id"}, required = true) String partyId) {
        return flow.call(channel -> SiteServiceGrpc.newBlockingStub(channel)
                .deletePublicKey(KeyRequest.newBuilder().setPartyId(partyId).build()));
    }
}
