package io.fedflow.auth.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SiteTlsTest {
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    @TempDir
    Path dir;

    @Test
    void siteCertificatesChainToTheGeneratedAuthority() throws Exception {
        new SiteTls().writeAuthorityAndSites(dir, List.of("guest", "host"));
        X509Certificate ca = readCertificate(dir.resolve(SiteTls.CA_CERT_FILE));

        for (String site : List.of("guest", "host")) {
            X509Certificate certificate = readCertificate(dir.resolve(site + ".crt.pem"));
            certificate.verify(ca.getPublicKey());
            PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
            parameters.setRevocationEnabled(false);
            CertPathValidator.getInstance("PKIX").validate(
                    CertificateFactory.getInstance("X.509").generateCertPath(List.of(certificate)), parameters);
            assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=" + site);
        }
        assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void aSiteCertificateServesAsServerAndClientForLocalhost() throws Exception {
        new SiteTls().writeAuthorityAndSites(dir, List.of("guest"));
        X509Certificate certificate = readCertificate(dir.resolve("guest.crt.pem"));

        assertThat(certificate.getExtendedKeyUsage()).contains(SERVER_AUTH, CLIENT_AUTH);
        assertThat(certificate.getSubjectAlternativeNames())
                .contains(List.of(2, "localhost"), List.of(7, "127.0.0.1"));
        assertThat(certificate.getBasicConstraints()).isEqualTo(-1);
        assertThat(certificate.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(certificate.getSigAlgName()).isEqualTo("SHA256withECDSA");
    }

    @Test
    void privateKeysArePkcs8PemOwnerOnlyAndMatchTheirCertificates() throws Exception {
        new SiteTls().writeAuthorityAndSites(dir, List.of("guest"));

        for (String name : List.of("ca", "guest")) {
            Path keyFile = dir.resolve(name + ".key.pem");
            String pem = Files.readString(keyFile);
            assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----\n");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(name + ".crt.pem"))))
                    .isEqualTo("rw-------");

            PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pemBody(pem)));
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(key);
            signer.update("proof".getBytes(StandardCharsets.UTF_8));
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(readCertificate(dir.resolve(name + ".crt.pem")).getPublicKey());
            verifier.update("proof".getBytes(StandardCharsets.UTF_8));
            assertThat(verifier.verify(signature)).isTrue();
        }
    }

    @Test
    void anExistingAuthorityIsReusedForMoreSites() throws Exception {
        SiteTls tls = new SiteTls();
        tls.writeAuthorityAndSites(dir, List.of("guest"));
        String caBefore = Files.readString(dir.resolve(SiteTls.CA_CERT_FILE));

        tls.writeAuthorityAndSites(dir, List.of("arbiter"));

        assertThat(Files.readString(dir.resolve(SiteTls.CA_CERT_FILE))).isEqualTo(caBefore);
        readCertificate(dir.resolve("arbiter.crt.pem")).verify(readCertificate(dir.resolve(SiteTls.CA_CERT_FILE)).getPublicKey());
    }

    @Test
    void twoSitesCompleteAMutualTlsHandshakeWithTheJdk() throws Exception {
        new SiteTls().writeAuthorityAndSites(dir, List.of("guest", "host"));
        SSLContext hostContext = context("host");
        SSLContext guestContext = context("guest");

        try (SSLServerSocket server = (SSLServerSocket) hostContext.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            server.setNeedClientAuth(true);
            CompletableFuture<String> peerSeenByHost = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket accepted = (SSLSocket) server.accept()) {
                    accepted.startHandshake();
                    String peer = ((X509Certificate) accepted.getSession().getPeerCertificates()[0])
                            .getSubjectX500Principal().getName();
                    OutputStream out = accepted.getOutputStream();
                    out.write('k');
                    out.flush();
                    return peer;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try (SSLSocket client = (SSLSocket) guestContext.getSocketFactory()
                    .createSocket("localhost", server.getLocalPort())) {
                var parameters = client.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                client.setSSLParameters(parameters);
                client.startHandshake();
                InputStream in = client.getInputStream();
                assertThat(in.read()).isEqualTo('k');
                assertThat(((X509Certificate) client.getSession().getPeerCertificates()[0])
                        .getSubjectX500Principal().getName()).isEqualTo("CN=host");
            }
            assertThat(peerSeenByHost.get(10, TimeUnit.SECONDS)).isEqualTo("CN=guest");
        }
    }

    private SSLContext context(String site) throws Exception {
        SiteTls.Material material = SiteTls.load(dir.resolve(site + ".crt.pem"), dir.resolve(site + ".key.pem"));
        X509Certificate ca = readCertificate(dir.resolve(SiteTls.CA_CERT_FILE));
        char[] password = "unused".toCharArray();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry(site, material.privateKey(), password, new X509Certificate[] {material.certificate(), ca});
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, password);
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("ca", ca);
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trusted);
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        return context;
    }

    private static X509Certificate readCertificate(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static byte[] pemBody(String pem) {
        return Base64.getDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
    }
}
