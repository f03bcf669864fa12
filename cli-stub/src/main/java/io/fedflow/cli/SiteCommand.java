package io.fedflow.cli;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.fedflow.auth.tls.SiteTls;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.PeerRequest;
import io.fedflow.proto.v1.SiteKeyRequest;
import io.fedflow.proto.v1.SiteServiceGrpc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code flow site ...}: this site's key, its peer table, and certificates for mutual TLS between sites. */
@Command(name = "site", mixinStandardHelpOptions = true, description = "Site keys, peers and certificates",
        subcommands = SiteCommand.PeerCommand.class)
final class SiteCommand {
    /** Site names become file names ({@code <name>.crt.pem}), so nothing that could leave the directory. */
    private static final Pattern SITE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    @ParentCommand
    FlowCli flow;

    @Command(name = "key", mixinStandardHelpOptions = true,
            description = "This site's party id and public key, to give to the peers.")
    int key() {
        return flow.call(channel -> SiteServiceGrpc.newBlockingStub(channel).key(SiteKeyRequest.getDefaultInstance()));
    }

    @Command(name = "cert", mixinStandardHelpOptions = true,
            description = "Make a CA (or reuse the one in --out) and a certificate and key per site, for mutual "
                    + "TLS between sites. Local: no server is called.")
    int cert(@Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the PEM files go.")
             Path out,
             @Option(names = "--sites", required = true, split = ",", paramLabel = "NAME[,NAME...]",
                     description = "One certificate per name: <NAME>.crt.pem and <NAME>.key.pem.")
             List<String> sites) {
        for (String site : sites) {
            if (!SITE_NAME.matcher(site).matches()) {
                return flow.print(Envelope.failure(RetCode.ARGUMENT_ERROR.code(),
                        "site name must be letters, digits, '.', '_' or '-', got '" + site + "'"));
            }
        }
        try {
            new SiteTls().writeAuthorityAndSites(out, sites);
        } catch (RuntimeException e) {
            return flow.print(Envelope.failure(RetCode.EXCEPTION_ERROR.code(), "cannot write certificates to " + out
                    + ": " + e.getMessage()));
        }
        ListValue.Builder written = ListValue.newBuilder();
        for (String site : sites) {
            written.addValues(Value.newBuilder().setStructValue(Struct.newBuilder()
                    .putFields("site", Envelope.string(site))
                    .putFields("certificate", Envelope.string(out.resolve(site + ".crt.pem").toString()))
                    .putFields("private_key", Envelope.string(out.resolve(site + ".key.pem").toString()))));
        }
        return flow.print(Envelope.success("success", Struct.newBuilder()
                .putFields("ca_certificate", Envelope.string(out.resolve(SiteTls.CA_CERT_FILE).toString()))
                .putFields("sites", Value.newBuilder().setListValue(written).build())
                .build()));
    }

    /** {@code flow site peer ...}: the route table of peer sites. */
    @Command(name = "peer", mixinStandardHelpOptions = true, description = "The peer sites of this site")
    static final class PeerCommand {
        @ParentCommand
        SiteCommand site;

        @Command(name = "add", mixinStandardHelpOptions = true,
                description = "Add a peer site, or replace the one with the same party id.")
        int add(@Option(names = {"-p", "--party-id"}, required = true) String partyId,
                @Option(names = "--host", required = true, description = "Host of the peer's site port.") String host,
                @Option(names = "--port", required = true, description = "The peer's site port.") int port,
                @Option(names = "--public-key", required = true, paramLabel = "KEY|@FILE",
                        description = "The peer's Ed25519 public key (PEM or base64), or @FILE holding it.")
                String publicKey,
                @Option(names = "--tls", description = "Call the peer over mutual TLS.") boolean tls) {
            return site.flow.call(channel -> SiteServiceGrpc.newBlockingStub(channel).addPeer(PeerRequest.newBuilder()
                    .setPartyId(partyId).setHost(host).setPort(port).setPublicKey(keyText(publicKey)).setTls(tls)
                    .build()));
        }

        @Command(name = "list", aliases = "query", mixinStandardHelpOptions = true,
                description = "All peers, or the one named.")
        int list(@Option(names = {"-p", "--party-id"}) String partyId) {
            PeerRequest.Builder r = PeerRequest.newBuilder();
            if (partyId != null) {
                r.setPartyId(partyId);
            }
            return site.flow.call(channel -> SiteServiceGrpc.newBlockingStub(channel).queryPeers(r.build()));
        }

        @Command(name = "delete", mixinStandardHelpOptions = true, description = "Remove a peer.")
        int delete(@Option(names = {"-p", "--party-id"}, required = true) String partyId) {
            return site.flow.call(channel -> SiteServiceGrpc.newBlockingStub(channel)
                    .deletePeer(PeerRequest.newBuilder().setPartyId(partyId).build()));
        }

        @Command(name = "reload", mixinStandardHelpOptions = true,
                description = "Re-read the node's peers.json after editing it by hand.")
        int reload() {
            return site.flow.call(channel -> SiteServiceGrpc.newBlockingStub(channel)
                    .reloadPeers(SiteKeyRequest.getDefaultInstance()));
        }

        /** curl's convention: {@code @file} reads the key from a file, anything else is the key itself. */
        private static String keyText(String value) throws IOException {
            if (!value.startsWith("@")) {
                return value;
            }
            Path file = Path.of(value.substring(1));
            try {
                return Files.readString(file, StandardCharsets.US_ASCII);
            } catch (NoSuchFileException e) {
                throw new Envelope.Failure(RetCode.ARGUMENT_ERROR.code(),
                        "public key file " + file + " does not exist");
            }
        }
    }
}
