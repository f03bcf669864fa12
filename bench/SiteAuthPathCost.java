import io.fedflow.auth.replay.InMemoryReplayGuard;
import io.fedflow.auth.site.PeerKeys;
import io.fedflow.auth.site.PeerMacSource;
import io.fedflow.auth.site.SiteCallSigner;
import io.fedflow.auth.site.SiteHeaders;
import io.fedflow.auth.site.SiteMacKeys;
import io.fedflow.auth.site.SiteSigner;
import io.fedflow.auth.site.SiteVerifier;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/**
 * CPU time of a MAC'd site call's authentication at both ends, as the node runs it, without the transport:
 * the caller's SiteCallSigner with PeerMacSource (nonce, body hash, canonical bytes, HMAC, headers) and the
 * callee's SiteVerifier with PeerMacCheck (header checks, canonical bytes, HMAC check) over an in-memory
 * replay guard. Thread CPU time (steady however loaded the machine is), at 1 and 8 threads (8: what the
 * threads' shared state costs, e.g. one SecureRandom's lock). Run against two builds for a before/after:
 *   java -cp "auth/target/classes:$(cat node/target/classpath.txt)" bench/SiteAuthPathCost.java
 *   java -cp "$(cat DIR/node/target/classpath.txt)" bench/SiteAuthPathCost.java   (DIR's auth jar is on it)
 */
public class SiteAuthPathCost {
    static final String METHOD = "fedflow.v1.PartyService/Ping";

    public static void main(String[] args) throws Exception {
        SecureRandom r = new SecureRandom();
        Ed25519PrivateKeyParameters caller = new Ed25519PrivateKeyParameters(r);
        Ed25519PrivateKeyParameters callee = new Ed25519PrivateKeyParameters(r);
        PeerKeys callerKnows = PeerKeys.of(Map.of("10000", callee.generatePublicKey()));
        PeerKeys calleeKnows = PeerKeys.of(Map.of("9999", caller.generatePublicKey()));
        SiteCallSigner signer = new SiteCallSigner("9999", new SiteSigner(caller),
                new PeerMacSource(new SiteMacKeys("9999", caller, callerKnows)));
        SiteVerifier verifier = new SiteVerifier("10000", calleeKnows, new SiteMacKeys("10000", callee, calleeKnows),
                new InMemoryReplayGuard(Clock.systemUTC()), Clock.systemUTC());
        byte[] body = new byte[256];
        r.nextBytes(body);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (int round = 0; round < 5; round++) {
            for (int threads : new int[] {1, 8}) {
                int perThread = 40_000 / threads;
                AtomicLong cpu = new AtomicLong();
                AtomicLong refused = new AtomicLong();
                Thread[] ts = new Thread[threads];
                for (int t = 0; t < threads; t++) {
                    ts[t] = new Thread(() -> {
                        long c0 = mx.getCurrentThreadCpuTime();
                        for (int i = 0; i < perThread; i++) {
                            SiteHeaders h = signer.headersFor(METHOD, "10000", body);
                            if (!verifier.verify(h, METHOD, body).accepted()) {
                                refused.incrementAndGet();
                            }
                        }
                        cpu.addAndGet(mx.getCurrentThreadCpuTime() - c0);
                    });
                    ts[t].start();
                }
                for (Thread t : ts) {
                    t.join();
                }
                System.out.printf("round %d, %d thread%s: %.2f us of CPU per call (make + check)%s%n", round, threads,
                        threads == 1 ? "" : "s", cpu.get() / 1e3 / (perThread * threads),
                        refused.get() == 0 ? "" : ", " + refused.get() + " REFUSED");
            }
        }
    }
}
