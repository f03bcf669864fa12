package io.fedflow.auth.bench;

import io.fedflow.auth.replay.InMemoryReplayGuard;
import io.fedflow.auth.site.PeerKeySignatureCheck;
import io.fedflow.auth.site.PeerKeys;
import io.fedflow.auth.site.SiteCallSigner;
import io.fedflow.auth.site.SiteHeaders;
import io.fedflow.auth.site.SiteRequest;
import io.fedflow.auth.site.SiteSigner;
import io.fedflow.auth.site.SiteVerifier;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.Ed25519KeyPairGenerator;
import org.bouncycastle.crypto.params.Ed25519KeyGenerationParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;

/**
 * Site-signature throughput, single thread, 1 KiB request body: BouncyCastle's raw Ed25519Signer beside
 * SiteSigner / PeerKeySignatureCheck over a canonical SiteRequest, and the whole outbound
 * SiteCallSigner (hash, nonce, sign) and inbound SiteVerifier (headers, clock, hash, verify, replay guard).
 * Each case: 2 s warm-up, then 3 s measured, both in CPU time of the bench thread. Run:
 * {@code java -cp auth/target/classes:auth/target/test-classes:<bcprov>:<jackson> io.fedflow.auth.bench.SignatureBench}
 */
public final class SignatureBench {
    private static final long WARM_UP_NANOS = 2_000_000_000L;
    private static final long MEASURE_NANOS = 3_000_000_000L;
    private static final String METHOD = "fedflow.v1.PartyService/CreateJob";
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private SignatureBench() {
    }

    public static void main(String[] args) throws Exception {
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        SecureRandom random = new SecureRandom();
        Ed25519KeyPairGenerator generator = new Ed25519KeyPairGenerator();
        generator.init(new Ed25519KeyGenerationParameters(random));
        AsymmetricCipherKeyPair pair = generator.generateKeyPair();
        Ed25519PrivateKeyParameters privateKey = (Ed25519PrivateKeyParameters) pair.getPrivate();
        Ed25519PublicKeyParameters publicKey = (Ed25519PublicKeyParameters) pair.getPublic();
        byte[] body = new byte[1024];
        random.nextBytes(body);
        PeerKeys peers = PeerKeys.of(Map.of("9999", publicKey));

        // Raw BouncyCastle, one signer object reused.
        Ed25519Signer rawSigner = new Ed25519Signer();
        rawSigner.init(true, privateKey);
        byte[] rawSignature = sign(rawSigner, body);
        Ed25519Signer rawVerifier = new Ed25519Signer();
        rawVerifier.init(false, publicKey);
        double rawSign = rate(() -> sign(rawSigner, body).length);
        double rawVerify = rate(() -> {
            rawVerifier.update(body, 0, body.length);
            return rawVerifier.verifySignature(rawSignature) ? 1 : 0;
        });

        // The JDK's own EdDSA (SunEC), same keys and the same signature bytes: which provider is faster here.
        KeyFactory keys = KeyFactory.getInstance("Ed25519");
        PrivateKey jdkPrivate = keys.generatePrivate(new PKCS8EncodedKeySpec(
                PrivateKeyInfoFactory.createPrivateKeyInfo(privateKey).getEncoded()));
        PublicKey jdkPublic = keys.generatePublic(new X509EncodedKeySpec(
                SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(publicKey).getEncoded()));
        Signature jdkSigner = Signature.getInstance("Ed25519");
        Signature jdkVerifier = Signature.getInstance("Ed25519");
        double jdkSign = rate(() -> jdkSign(jdkSigner, jdkPrivate, body).length);
        double jdkVerify = rate(() -> jdkVerify(jdkVerifier, jdkPublic, body, rawSignature) ? 1 : 0);

        // SiteSigner / PeerKeySignatureCheck over a prepared canonical request (Ed25519 + canonical string + base64).
        SiteSigner siteSigner = new SiteSigner(privateKey);
        SiteRequest request = SiteRequest.of(METHOD, "9999", "10000", System.currentTimeMillis(),
                "q83vEjRWeJq83vEjRWeJqw", body);
        String requestSignature = siteSigner.signatureFor(request);
        PeerKeySignatureCheck check = new PeerKeySignatureCheck(peers);
        double siteSign = rate(() -> siteSigner.signatureFor(request).length());
        double siteVerify = rate(() -> check.check(request, requestSignature).accepted() ? 1 : 0);

        // Whole calls: SiteCallSigner.headersFor and SiteVerifier.verify with a real replay guard.
        SiteCallSigner callSigner = new SiteCallSigner("9999", siteSigner, Clock.systemUTC(), random);
        double callSign = rate(() -> callSigner.headersFor(METHOD, "10000", body).signature().length());
        List<SiteHeaders> signed = new ArrayList<>();
        int needed = (int) Math.max(60_000, siteVerify * 8);
        for (int i = 0; i < needed; i++) {
            signed.add(callSigner.headersFor(METHOD, "10000", body));
        }
        SiteVerifier verifier = new SiteVerifier("10000", peers, new InMemoryReplayGuard(Clock.systemUTC()),
                Clock.systemUTC());
        int[] next = {0};
        int[] refused = {0};
        double callVerify = rate(() -> {
            SiteHeaders headers = signed.get(next[0]++ % signed.size());
            boolean ok = verifier.verify(headers, METHOD, body).accepted();
            refused[0] += ok ? 0 : 1;
            return ok ? 1 : 0;
        });

        double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        System.out.printf("Site signatures, single thread, 1 KiB body, 2 s warm-up + 3 s measured (CPU time of the bench thread), %s %s, %d cores,"
                        + " 1-min load average %.1f before / %.1f after%n%n",
                System.getProperty("java.vm.name"), System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), loadBefore, loadAfter);
        System.out.println("| what | sign ops/s | verify ops/s |");
        System.out.println("|---|---|---|");
        row("BouncyCastle Ed25519Signer (raw, reused)", rawSign, rawVerify);
        row("JDK java.security.Signature \"Ed25519\" (SunEC, reused)", jdkSign, jdkVerify);
        row("SiteSigner / PeerKeySignatureCheck (canonical request)", siteSign, siteVerify);
        row("SiteCallSigner.headersFor / SiteVerifier.verify (whole call)", callSign, callVerify);
        if (refused[0] > 0) {
            System.out.println("\n(" + refused[0] + " verifications were refused: the pre-signed pool ran out)");
        }
    }

    private static byte[] jdkSign(Signature signer, PrivateKey key, byte[] message) {
        try {
            signer.initSign(key);
            signer.update(message);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean jdkVerify(Signature verifier, PublicKey key, byte[] message, byte[] signature) {
        try {
            verifier.initVerify(key);
            verifier.update(message);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sign(Ed25519Signer signer, byte[] message) {
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }

    /**
     * Operations per second of this thread's CPU time: the machine is shared, and wall-clock windows
     * would measure the neighbours (and cut the JIT's warm-up short) rather than the code.
     */
    private static double rate(IntSupplier operation) {
        long sink = 0;
        long end = CPU.getCurrentThreadCpuTime() + WARM_UP_NANOS;
        while (CPU.getCurrentThreadCpuTime() < end) {
            for (int i = 0; i < 16; i++) {
                sink += operation.getAsInt();
            }
        }
        long operations = 0;
        long start = CPU.getCurrentThreadCpuTime();
        end = start + MEASURE_NANOS;
        long now;
        do {
            for (int i = 0; i < 16; i++) {
                sink += operation.getAsInt();
            }
            operations += 16;
            now = CPU.getCurrentThreadCpuTime();
        } while (now < end);
        if (sink == 42) {
            System.out.print("");
        }
        return operations * 1e9 / (now - start);
    }

    private static void row(String what, double sign, double verify) {
        System.out.printf("| %s | %,.0f | %,.0f |%n", what, sign, verify);
    }
}
