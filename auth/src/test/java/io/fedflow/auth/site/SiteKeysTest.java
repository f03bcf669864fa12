package io.fedflow.auth.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SiteKeysTest {
    @TempDir
    Path dir;

    @Test
    void createsKeyPairOnFirstStartInOwnerOnlyFiles() throws Exception {
        SiteKeys keys = SiteKeys.loadOrCreate(dir.resolve("data"));

        assertThat(keys.created()).isTrue();
        Path privateFile = dir.resolve("data").resolve(SiteKeys.PRIVATE_KEY_FILE);
        Path publicFile = dir.resolve("data").resolve(SiteKeys.PUBLIC_KEY_FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(privateFile))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(publicFile))).isEqualTo("rw-------");
        try (var leftovers = Files.list(dir.resolve("data"))) {
            assertThat(leftovers).hasSize(2);
        }
    }

    @Test
    void reloadingAfterRestartGivesTheSameKey() {
        SiteKeys first = SiteKeys.loadOrCreate(dir);
        SiteKeys second = SiteKeys.loadOrCreate(dir);

        assertThat(second.created()).isFalse();
        assertThat(second.publicKey().getEncoded()).isEqualTo(first.publicKey().getEncoded());
        assertThat(second.privateKey().getEncoded()).isEqualTo(first.privateKey().getEncoded());
    }

    @Test
    void privateKeyIsPkcs8PemThatTheJdkReadsAndSignsWith() throws Exception {
        SiteKeys keys = SiteKeys.loadOrCreate(dir);
        String pem = Files.readString(dir.resolve(SiteKeys.PRIVATE_KEY_FILE));

        assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----\n").contains("-----END PRIVATE KEY-----");
        PrivateKey jdkKey = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(pemBody(pem)));
        Signature jdkSigner = Signature.getInstance("Ed25519");
        jdkSigner.initSign(jdkKey);
        byte[] message = "interop".getBytes(StandardCharsets.UTF_8);
        jdkSigner.update(message);
        String signature = Base64.getEncoder().encodeToString(jdkSigner.sign());

        Verdict verdict = new PeerKeySignatureCheck(PeerKeys.of(Map.of("9999", keys.publicKey())))
                .check("9999", signature, message);
        assertThat(verdict.accepted()).isTrue();
    }

    @Test
    void publicKeyIsSubjectPublicKeyInfoPemThatParsesBack() throws Exception {
        SiteKeys keys = SiteKeys.loadOrCreate(dir);
        String pem = Files.readString(dir.resolve(SiteKeys.PUBLIC_KEY_FILE));

        assertThat(pem).isEqualTo(keys.publicKeyPem()).startsWith("-----BEGIN PUBLIC KEY-----\n");
        assertThat(SiteKeys.parsePublicKeyPem(pem).getEncoded()).isEqualTo(keys.publicKey().getEncoded());
        PublicKey jdkKey = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(pemBody(pem)));
        assertThat(jdkKey.getAlgorithm()).isIn("EdDSA", "Ed25519");
    }

    @Test
    void publicKeyBase64IsTheRaw32Bytes() {
        SiteKeys keys = SiteKeys.loadOrCreate(dir);

        byte[] raw = Base64.getDecoder().decode(keys.publicKeyBase64());
        assertThat(raw).hasSize(32).isEqualTo(keys.publicKey().getEncoded());
        assertThat(SiteKeys.parsePublicKeyBase64(keys.publicKeyBase64()).getEncoded()).isEqualTo(raw);
        assertThat(SiteKeys.parsePublicKey(keys.publicKeyBase64()).getEncoded()).isEqualTo(raw);
        assertThat(SiteKeys.parsePublicKey(keys.publicKeyPem()).getEncoded()).isEqualTo(raw);
    }

    @Test
    void refusesPrivateKeyFileReadableByOthers() throws Exception {
        SiteKeys.loadOrCreate(dir);
        Files.setPosixFilePermissions(dir.resolve(SiteKeys.PRIVATE_KEY_FILE), PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> SiteKeys.loadOrCreate(dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("rw-r--r--")
                .hasMessageContaining("chmod 600");
    }

    @Test
    void rewritesAMissingPublicKeyFileFromThePrivateKey() throws Exception {
        SiteKeys keys = SiteKeys.loadOrCreate(dir);
        Files.delete(dir.resolve(SiteKeys.PUBLIC_KEY_FILE));

        SiteKeys reloaded = SiteKeys.loadOrCreate(dir);

        assertThat(reloaded.created()).isFalse();
        assertThat(Files.readString(dir.resolve(SiteKeys.PUBLIC_KEY_FILE))).isEqualTo(keys.publicKeyPem());
    }

    @Test
    void refusesToReadAPrivateKeyAsAPeerPublicKey() throws Exception {
        SiteKeys.loadOrCreate(dir);
        String privatePem = Files.readString(dir.resolve(SiteKeys.PRIVATE_KEY_FILE));

        assertThatThrownBy(() -> SiteKeys.parsePublicKeyPem(privatePem))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PUBLIC KEY");
        assertThatThrownBy(() -> SiteKeys.parsePublicKeyBase64("AAAA"))
                .hasMessageContaining("32 bytes");
    }

    private static byte[] pemBody(String pem) {
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(base64);
    }
}
