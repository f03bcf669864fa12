package io.fedflow.auth.site;

import io.fedflow.auth.OwnerOnlyFiles;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.Ed25519KeyPairGenerator;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.Ed25519KeyGenerationParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * This site's Ed25519 key pair, kept as PEM files in the node's data directory.
 *
 * <p>{@value #PRIVATE_KEY_FILE} holds the private key as PKCS#8 ({@code BEGIN PRIVATE KEY}),
 * {@value #PUBLIC_KEY_FILE} the public key as SubjectPublicKeyInfo ({@code BEGIN PUBLIC KEY}); both
 * are owner-only (rw-------). {@link #loadOrCreate} creates the pair on first start and reloads the
 * same pair afterwards. Peers are given {@link #publicKeyPem()} or {@link #publicKeyBase64()}.
 */
public final class SiteKeys {
    public static final String PRIVATE_KEY_FILE = "site-key.pem";
    public static final String PUBLIC_KEY_FILE = "site-key.pub.pem";

    private static final String PRIVATE_KEY_PEM_TYPE = "PRIVATE KEY";
    private static final String PUBLIC_KEY_PEM_TYPE = "PUBLIC KEY";

    private final Ed25519PrivateKeyParameters privateKey;
    private final Ed25519PublicKeyParameters publicKey;
    private final boolean created;

    private SiteKeys(Ed25519PrivateKeyParameters privateKey, boolean created) {
        this.privateKey = privateKey;
        this.publicKey = privateKey.generatePublicKey();
        this.created = created;
    }

    /** Loads the key pair from {@code dir}, creating it (and the directory) if there is none. */
    public static SiteKeys loadOrCreate(Path dir) {
        return loadOrCreate(dir, new SecureRandom());
    }

    /** As {@link #loadOrCreate(Path)}, drawing a new key from {@code random}. */
    public static SiteKeys loadOrCreate(Path dir, SecureRandom random) {
        Path privateFile = dir.resolve(PRIVATE_KEY_FILE);
        Path publicFile = dir.resolve(PUBLIC_KEY_FILE);
        SiteKeys keys;
        if (Files.exists(privateFile)) {
            OwnerOnlyFiles.requireOwnerOnly(privateFile);
            keys = new SiteKeys(readPrivateKey(privateFile), false);
        } else {
            Ed25519KeyPairGenerator generator = new Ed25519KeyPairGenerator();
            generator.init(new Ed25519KeyGenerationParameters(random));
            AsymmetricCipherKeyPair pair = generator.generateKeyPair();
            keys = new SiteKeys((Ed25519PrivateKeyParameters) pair.getPrivate(), true);
            OwnerOnlyFiles.write(privateFile, keys.privateKeyPem().getBytes(StandardCharsets.US_ASCII));
        }
        // The public file is derived data: rewrite it when it is missing or does not match the private key.
        byte[] expectedPublic = keys.publicKeyPem().getBytes(StandardCharsets.US_ASCII);
        if (!Files.exists(publicFile) || !Arrays.equals(readAllBytes(publicFile), expectedPublic)) {
            OwnerOnlyFiles.write(publicFile, expectedPublic);
        }
        return keys;
    }

    /** Whether {@link #loadOrCreate} made a new pair (first start) rather than reloading one. */
    public boolean created() {
        return created;
    }

    public Ed25519PrivateKeyParameters privateKey() {
        return privateKey;
    }

    public Ed25519PublicKeyParameters publicKey() {
        return publicKey;
    }

    /** The public key as a SubjectPublicKeyInfo PEM ({@code -----BEGIN PUBLIC KEY-----}). */
    public String publicKeyPem() {
        return publicKeyPem(publicKey);
    }

    /** The raw 32-byte public key in standard base64 (44 characters). */
    public String publicKeyBase64() {
        return Base64.getEncoder().encodeToString(publicKey.getEncoded());
    }

    /** A signer over this site's private key. */
    public SiteSigner signer() {
        return new SiteSigner(privateKey);
    }

    /** Formats a public key as a SubjectPublicKeyInfo PEM. */
    public static String publicKeyPem(Ed25519PublicKeyParameters key) {
        try {
            return pem(PUBLIC_KEY_PEM_TYPE, SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(key).getEncoded());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses a peer's public key from a {@code BEGIN PUBLIC KEY} PEM; refuses any other key type. */
    public static Ed25519PublicKeyParameters parsePublicKeyPem(String pem) {
        byte[] der = readPem(pem, PUBLIC_KEY_PEM_TYPE);
        AsymmetricKeyParameter key;
        try {
            key = PublicKeyFactory.createKey(der);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a public key: " + e.getMessage(), e);
        }
        if (!(key instanceof Ed25519PublicKeyParameters ed25519)) {
            throw new IllegalArgumentException("not an Ed25519 public key: " + key.getClass().getSimpleName());
        }
        return ed25519;
    }

    /** Parses a peer's raw 32-byte public key from base64 (standard or URL-safe alphabet). */
    public static Ed25519PublicKeyParameters parsePublicKeyBase64(String base64) {
        byte[] raw;
        try {
            raw = base64.contains("-") || base64.contains("_")
                    ? Base64.getUrlDecoder().decode(base64.trim())
                    : Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("public key is not base64: " + e.getMessage(), e);
        }
        if (raw.length != Ed25519PublicKeyParameters.KEY_SIZE) {
            throw new IllegalArgumentException("an Ed25519 public key has 32 bytes, this one has " + raw.length);
        }
        return new Ed25519PublicKeyParameters(raw, 0);
    }

    /** Parses a peer's public key given either as PEM or as base64 of the raw 32 bytes. */
    public static Ed25519PublicKeyParameters parsePublicKey(String text) {
        return text.contains("-----BEGIN") ? parsePublicKeyPem(text) : parsePublicKeyBase64(text);
    }

    private String privateKeyPem() {
        try {
            return pem(PRIVATE_KEY_PEM_TYPE, PrivateKeyInfoFactory.createPrivateKeyInfo(privateKey).getEncoded());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Ed25519PrivateKeyParameters readPrivateKey(Path file) {
        String pem = new String(readAllBytes(file), StandardCharsets.US_ASCII);
        AsymmetricKeyParameter key;
        try {
            key = PrivateKeyFactory.createKey(readPem(pem, PRIVATE_KEY_PEM_TYPE));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(file + " does not hold a PKCS#8 private key: " + e.getMessage(), e);
        }
        if (!(key instanceof Ed25519PrivateKeyParameters ed25519)) {
            throw new IllegalStateException(file + " holds a " + key.getClass().getSimpleName() + ", not an Ed25519 key");
        }
        return ed25519;
    }

    private static String pem(String type, byte[] der) throws IOException {
        StringWriter out = new StringWriter();
        try (PemWriter writer = new PemWriter(out)) {
            writer.writeObject(new PemObject(type, der));
        }
        return out.toString();
    }

    private static byte[] readPem(String pem, String expectedType) {
        PemObject object;
        try (PemReader reader = new PemReader(new StringReader(pem))) {
            object = reader.readPemObject();
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable PEM: " + e.getMessage(), e);
        }
        if (object == null) {
            throw new IllegalArgumentException("no PEM block found");
        }
        if (!object.getType().equals(expectedType)) {
            throw new IllegalArgumentException("expected a PEM '" + expectedType + "' block, found '" + object.getType() + "'");
        }
        return object.getContent();
    }

    private static byte[] readAllBytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
