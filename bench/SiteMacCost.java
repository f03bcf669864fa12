import io.fedflow.auth.site.*;
import org.bouncycastle.crypto.params.*;
import java.security.SecureRandom;
/**
 * CPU of the per-call authentication alone, one thread: SiteMac make + check of a Ping's canonical request
 * beside SiteSigner + PeerKeySignatureCheck (Ed25519), and the once-per-peer-key derivation (SiteMacKeys).
 * Run: java -cp "auth/target/classes:$(cat node/target/classpath.txt)" bench/SiteMacCost.java
 */
public class SiteMacCost {
    public static void main(String[] a) {
        SecureRandom r = new SecureRandom();
        Ed25519PrivateKeyParameters x = new Ed25519PrivateKeyParameters(r), y = new Ed25519PrivateKeyParameters(r);
        byte[] k = SiteMacKeys.derive("9999", x, "10000", y.generatePublicKey());
        byte[] body = new byte[256];
        SiteRequest req = SiteRequest.of("fedflow.v1.PartyService/Ping", "9999", "10000", System.currentTimeMillis(), "abcdefghijklmnopqrstuv", body);
        SiteSigner s = new SiteSigner(x);
        PeerKeySignatureCheck c = new PeerKeySignatureCheck(PeerKeys.of(java.util.Map.of("9999", x.generatePublicKey())));
        for (int round = 0; round < 6; round++) {
            int n = 200_000; long t = System.nanoTime(); int ok = 0;
            for (int i = 0; i < n; i++) { String m = SiteMac.of(k, req); if (SiteMac.matches(k, req, m)) ok++; }
            double mac = (System.nanoTime() - t) / 1e3 / n;
            int n2 = 20000; t = System.nanoTime();
            for (int i = 0; i < n2; i++) { String sig = s.signatureFor(req); if (c.check(req, sig).accepted()) ok++; }
            double sig = (System.nanoTime() - t) / 1e3 / n2;
            t = System.nanoTime(); int n3 = 5000;
            for (int i = 0; i < n3; i++) { k = SiteMacKeys.derive("9999", x, "10000", y.generatePublicKey()); }
            double der = (System.nanoTime() - t) / 1e3 / n3;
            System.out.printf("MAC make+check %.2f us, Ed25519 sign+verify %.1f us, key derivation %.1f us (%d)%n", mac, sig, der, ok);
        }
    }
}
