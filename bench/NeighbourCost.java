import io.fedflow.node.component.paillier.PaillierEncryptor;
import io.fedflow.node.component.paillier.PaillierKeyPair;
import io.fedflow.node.component.paillier.PaillierPublicKey;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;

/**
 * What a neighbour on the other core does to one thread's Paillier encryption (on demand, not part of the Maven
 * build). The encryption's CPU cost per call (as bench/crypto-floor-bench.sh measures it, over 2 s) alone, then
 * while other threads run beside it: two threads handing a token back and forth (wake-ups, no memory), a scan
 * over 128 MB (caches and memory bandwidth), CRT decryptions (the arbiter's work). Three rounds.
 *   java --add-opens java.base/java.math=ALL-UNNAMED -cp "node/target/fedflow-node-0.1.0-SNAPSHOT.jar:$(cat node/target/classpath.txt)" bench/NeighbourCost.java
 */
public class NeighbourCost {
    static volatile Object sink;
    static volatile boolean stop;
    static final ThreadMXBean T = ManagementFactory.getThreadMXBean();
    public static void main(String[] a) throws Exception {
        SecureRandom r = new SecureRandom();
        PaillierKeyPair keys = PaillierKeyPair.generate(1024, r);
        PaillierPublicKey pk = new PaillierPublicKey(keys.publicKey().n());
        PaillierEncryptor enc = new PaillierEncryptor(pk, r);
        BigInteger c = enc.encrypt(BigInteger.TEN);
        for (int round = 0; round < 3; round++) {
            for (String noise : new String[] {"none", "pingpong", "memscan", "decrypt-other-core"}) {
                stop = false;
                Thread[] ns = switch (noise) {
                    case "pingpong" -> {
                        SynchronousQueue<Integer> q1 = new SynchronousQueue<>(), q2 = new SynchronousQueue<>();
                        Thread x = new Thread(() -> { try { while (!stop) { q1.put(1); q2.take(); } } catch (InterruptedException e) {} });
                        Thread y = new Thread(() -> { try { while (!stop) { q1.take(); q2.put(1); } } catch (InterruptedException e) {} });
                        yield new Thread[] {x, y};
                    }
                    case "memscan" -> {
                        long[] big = new long[16 << 20];
                        yield new Thread[] {new Thread(() -> { long s = 0; while (!stop) { for (int i = 0; i < big.length; i += 8) s += big[i]++; } sink = s; })};
                    }
                    case "decrypt-other-core" -> new Thread[] {new Thread(() -> { while (!stop) sink = keys.privateKey().decrypt(c); })};
                    default -> new Thread[0];
                };
                for (Thread t : ns) { t.setDaemon(true); t.start(); }
                Thread.sleep(200);
                long c0 = T.getCurrentThreadCpuTime(); int n = 0; long cc; long end = c0 + 2_000_000_000L;
                do { sink = enc.encrypt(BigInteger.valueOf(n++)); cc = T.getCurrentThreadCpuTime(); } while (cc < end);
                stop = true;
                for (Thread t : ns) { t.interrupt(); t.join(); }
                System.out.printf("round %d, noise %-20s encryption %.1f µs CPU%n", round, noise, (cc - c0) / 1e3 / n);
            }
        }
    }
}
