package io.fedflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedflow.auth.site.SiteKeys;
import io.fedflow.auth.tls.SiteTls;
import io.fedflow.node.testing.NodeExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code flow site ...} and {@code flow key ...} run in-process against a real node. */
class SiteCliTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();
    private static String server;

    @TempDir
    Path dir;

    @BeforeAll
    static void startNode() {
        server = "127.0.0.1:" + node.httpPort();
    }

    private static CliRun flow(String... args) {
        return CliRun.flow(server, args);
    }

    @Test
    void siteKeyPrintsThePublicKeyOnly() {
        CliRun key = flow("site", "key");
        assertThat(key.exit()).as(key.out().toString()).isZero();
        assertThat(key.out().at("/data/party_id").asText()).isEqualTo("9999");
        assertThat(key.out().at("/data/public_key").asText()).isEqualTo(node.node().siteKeys().publicKeyPem());
        assertThat(key.out().toString()).doesNotContain("PRIVATE KEY");
    }

    @Test
    void peerAddFromAKeyFileListReloadAndFateKeyCommands() throws IOException {
        SiteKeys host = SiteKeys.loadOrCreate(dir.resolve("host"));
        Path keyFile = dir.resolve("host.pub.pem");
        Files.writeString(keyFile, host.publicKeyPem());
        CliRun added = flow("site", "peer", "add", "--party-id", "10000", "--host", "127.0.0.1", "--port", "9360",
                "--public-key", "@" + keyFile, "--tls");
        assertThat(added.exit()).as(added.out().toString()).isZero();
        assertThat(added.out().at("/data/tls").asBoolean()).isTrue();

        CliRun list = flow("site", "peer", "list");
        assertThat(list.exit()).isZero();
        assertThat(list.out().at("/data/0/party_id").asText()).isEqualTo("10000");
        assertThat(list.out().at("/data/0/port").asInt()).isEqualTo(9360);
        assertThat(flow("site", "peer", "reload").exit()).isZero();

        SiteKeys rotated = SiteKeys.loadOrCreate(dir.resolve("rotated"));
        Path conf = dir.resolve("key.json");
        Files.writeString(conf, "{\"party_id\": 10000, \"key\": \"" + rotated.publicKeyPem().replace("\n", "\\n")
                + "\"}");
        CliRun saved = flow("key", "save", "-c", conf.toString());
        assertThat(saved.exit()).as(saved.out().toString()).isZero();
        CliRun queried = flow("key", "query", "-p", "10000");
        assertThat(queried.out().path("data").asText()).isEqualTo(rotated.publicKeyPem());

        CliRun missingFile = flow("site", "peer", "add", "-p", "10001", "--host", "h", "--port", "9360",
                "--public-key", "@" + dir.resolve("nowhere.pem"));
        assertThat(missingFile.retcode()).isEqualTo(101);
        assertThat(missingFile.out().path("retmsg").asText()).contains("does not exist");
        CliRun badKey = flow("site", "peer", "add", "-p", "10001", "--host", "h", "--port", "9360",
                "--public-key", "hello");
        assertThat(badKey.exit()).isEqualTo(1);
        assertThat(badKey.out().path("retmsg").asText()).contains("Ed25519");

        assertThat(flow("key", "delete", "-p", "10000").exit()).isZero();
        CliRun gone = flow("site", "peer", "delete", "-p", "10000");
        assertThat(gone.retcode()).isEqualTo(101);
        assertThat(gone.out().path("retmsg").asText()).contains("not a peer");
    }

    @Test
    void siteCertWritesACaAndSiteCertificatesThatChainToIt() throws Exception {
        Path out = dir.resolve("tls");
        CliRun cert = CliRun.flow("127.0.0.1:1", "site", "cert", "--out", out.toString(), "--sites", "guest,host");
        assertThat(cert.exit()).as("no server is needed: " + cert.out()).isZero();
        assertThat(cert.out().at("/data/sites/1/certificate").asText()).isEqualTo(out.resolve("host.crt.pem").toString());

        X509Certificate ca = SiteTls.readCertificate(out.resolve(SiteTls.CA_CERT_FILE));
        TrustAnchor anchor = new TrustAnchor(ca, null);
        for (String site : List.of("guest", "host")) {
            Path key = out.resolve(site + ".key.pem");
            assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
            X509Certificate leaf = SiteTls.readCertificate(out.resolve(site + ".crt.pem"));
            leaf.verify(ca.getPublicKey());
            assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=" + site);
            PKIXParameters params = new PKIXParameters(Set.of(anchor));
            params.setRevocationEnabled(false);
            var path = CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf));
            var result = (PKIXCertPathValidatorResult) CertPathValidator.getInstance("PKIX").validate(path, params);
            assertThat(result.getTrustAnchor().getTrustedCert()).isEqualTo(ca);
            // The same material loads back as the node would load it for TLS.
            assertThat(SiteTls.load(out.resolve(site + ".crt.pem"), key).certificate()).isEqualTo(leaf);
        }

        // A second run reuses the CA, so certificates issued earlier stay trusted.
        CliRun more = CliRun.flow("127.0.0.1:1", "site", "cert", "--out", out.toString(), "--sites", "arbiter");
        assertThat(more.exit()).isZero();
        assertThat(SiteTls.readCertificate(out.resolve(SiteTls.CA_CERT_FILE))).isEqualTo(ca);
        SiteTls.readCertificate(out.resolve("arbiter.crt.pem")).verify(ca.getPublicKey());

        CliRun escape = CliRun.flow("127.0.0.1:1", "site", "cert", "--out", out.toString(), "--sites", "../evil");
        assertThat(escape.retcode()).isEqualTo(101);
        assertThat(Files.exists(dir.resolve("evil.crt.pem"))).isFalse();
    }
}
