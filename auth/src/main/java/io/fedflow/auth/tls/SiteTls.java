package io.fedflow.auth.tls;

import io.fedflow.auth.OwnerOnlyFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * Certificates for optional mutual TLS between sites: a certificate authority and, per site, one
 * certificate that serves both as server and as client certificate. ECDSA P-256 throughout, because
 * Armeria/Netty on JDK 17 cannot serve TLS with Ed25519 keys; Ed25519 stays for request signatures.
 *
 * <p>Files are PEM, keys as PKCS#8 ({@code BEGIN PRIVATE KEY}, what Netty and grpc-java read), all
 * owner-only: {@value #CA_CERT_FILE} / {@value #CA_KEY_FILE} and {@code <site>.crt.pem} /
 * {@code <site>.key.pem}.
 */
public final class SiteTls {
    public static final String CA_CERT_FILE = "ca.crt.pem";
    public static final String CA_KEY_FILE = "ca.key.pem";

    private static final Provider BC = new BouncyCastleProvider();
    private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
    /** Back-dates notBefore so that a peer whose clock is a little behind accepts a fresh certificate. */
    private static final Duration CLOCK_SLACK = Duration.ofMinutes(5);

    private final Clock clock;
    private final SecureRandom random;

    public SiteTls(Clock clock, SecureRandom random) {
        this.clock = clock;
        this.random = random;
    }

    public SiteTls() {
        this(Clock.systemUTC(), new SecureRandom());
    }

    /**
     * A certificate and its private key.
     *
     * @param certificate the X.509 certificate
     * @param privateKey  its ECDSA P-256 private key
     */
    public record Material(X509Certificate certificate, PrivateKey privateKey) {
    }

    /** A self-signed certificate authority valid for {@code validity}. */
    public Material createAuthority(String commonName, Duration validity) {
        KeyPair keys = newKeyPair();
        X500Name subject = name(commonName);
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = builder(subject, subject, keys, validity)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(keys.getPublic()));
            return new Material(sign(builder, keys.getPrivate()), keys.getPrivate());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot create the certificate authority", e);
        }
    }

    /**
     * A site certificate signed by {@code authority}, usable as TLS server and client certificate
     * (extended key usages serverAuth and clientAuth), naming {@code dnsNames} and {@code ipAddresses}
     * as subject alternative names.
     */
    public Material issueSiteCertificate(
            Material authority, String siteName, List<String> dnsNames, List<String> ipAddresses, Duration validity) {
        KeyPair keys = newKeyPair();
        List<GeneralName> names = new ArrayList<>();
        dnsNames.forEach(dns -> names.add(new GeneralName(GeneralName.dNSName, dns)));
        ipAddresses.forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X500Name issuer = X500Name.getInstance(authority.certificate().getSubjectX500Principal().getEncoded());
            X509v3CertificateBuilder builder = builder(issuer, name(siteName), keys, validity)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                            new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                    .addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(names.toArray(GeneralName[]::new)))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(keys.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            extensions.createAuthorityKeyIdentifier(authority.certificate()));
            return new Material(sign(builder, authority.privateKey()), keys.getPrivate());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot issue a certificate for " + siteName, e);
        }
    }

    /** A site certificate for loopback: DNS localhost and IP 127.0.0.1, valid for a year. */
    public Material issueLoopbackCertificate(Material authority, String siteName) {
        return issueSiteCertificate(authority, siteName, List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(365));
    }

    /**
     * Creates a CA (kept in {@code dir} for issuing more later) and one certificate per site for
     * loopback, unless the CA files are already there, in which case it is reused.
     */
    public Material writeAuthorityAndSites(Path dir, List<String> siteNames) {
        Path caCert = dir.resolve(CA_CERT_FILE);
        Path caKey = dir.resolve(CA_KEY_FILE);
        Material authority;
        if (Files.exists(caCert) && Files.exists(caKey)) {
            authority = load(caCert, caKey);
        } else {
            authority = createAuthority("Fedflow sites CA", Duration.ofDays(3650));
            write(authority, caCert, caKey);
        }
        for (String site : siteNames) {
            write(issueLoopbackCertificate(authority, site), dir.resolve(site + ".crt.pem"), dir.resolve(site + ".key.pem"));
        }
        return authority;
    }

    /** Writes the certificate and the PKCS#8 private key as PEM files, owner-only. */
    public static void write(Material material, Path certificateFile, Path privateKeyFile) {
        OwnerOnlyFiles.write(privateKeyFile, privateKeyPem(material.privateKey()).getBytes(StandardCharsets.US_ASCII));
        OwnerOnlyFiles.write(certificateFile, certificatePem(material.certificate()).getBytes(StandardCharsets.US_ASCII));
    }

    /** The certificate as PEM ({@code BEGIN CERTIFICATE}). */
    public static String certificatePem(X509Certificate certificate) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(certificate);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** The private key as PKCS#8 PEM ({@code BEGIN PRIVATE KEY}), not SEC1 ({@code BEGIN EC PRIVATE KEY}). */
    public static String privateKeyPem(PrivateKey key) {
        StringWriter out = new StringWriter();
        try (PemWriter writer = new PemWriter(out)) {
            writer.writeObject(new JcaPKCS8Generator(key, null).generate());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Reads a certificate and its PKCS#8 EC private key back from PEM files. */
    public static Material load(Path certificateFile, Path privateKeyFile) {
        OwnerOnlyFiles.requireOwnerOnly(privateKeyFile);
        try {
            X509Certificate certificate = readCertificate(certificateFile);
            String pem = Files.readString(privateKeyFile, StandardCharsets.US_ASCII);
            PemObject object;
            try (PemReader reader = new PemReader(new StringReader(pem))) {
                object = reader.readPemObject();
            }
            if (object == null || !object.getType().equals("PRIVATE KEY")) {
                throw new IllegalArgumentException(privateKeyFile + " holds no PKCS#8 'PRIVATE KEY' PEM block");
            }
            PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(object.getContent()));
            return new Material(certificate, key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read " + certificateFile + " / " + privateKeyFile, e);
        }
    }

    /** Reads an X.509 certificate from a PEM file with the JDK's own certificate factory. */
    public static X509Certificate readCertificate(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(file + " holds no X.509 certificate", e);
        }
    }

    private X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys, Duration validity) {
        Instant now = clock.instant();
        return new JcaX509v3CertificateBuilder(
                issuer,
                new BigInteger(127, random).add(BigInteger.ONE),
                Date.from(now.minus(CLOCK_SLACK)),
                Date.from(now.plus(validity)),
                subject,
                keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey)
            throws GeneralSecurityException {
        try {
            ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).setProvider(BC).build(issuerKey);
            // The JDK's provider converts, so the objects handed out are plain JDK certificates.
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", BC);
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ECDSA P-256 is unavailable", e);
        }
    }

    private static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    }
}
