import io.fedflow.node.component.paillier.PaillierEncryptor;
import io.fedflow.node.component.paillier.PaillierKeyPair;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Locale;

/**
 * One thread's CPU per encryption by a key's owner (obfuscators from tables mod p² and q², joined by CRT) and by a
 * party holding only the public key (a table mod n²), alternated in one JVM so that both see the same minutes of
 * the machine, and the CPU a public key's table takes to build. On demand, with the node's classpath:
 *   java --add-opens java.base/java.math=ALL-UNNAMED -cp "node/target/fedflow-node-0.1.0-SNAPSHOT.jar:$(cat
 *   node/target/classpath.txt)" bench/OwnerEncryptionCost.java [ROUNDS (4)] [BITS (1024)]
 */
public final class OwnerEncryptionCost {
    private static Object sink;

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        int bits = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
        SecureRandom random = new SecureRandom();
        PaillierKeyPair keys = PaillierKeyPair.generate(bits, random);
        PaillierEncryptor owner = new PaillierEncryptor(keys.privateKey(), random);
        PaillierEncryptor holder = new PaillierEncryptor(keys.publicKey(), random);
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        for (int round = 1; round <= rounds; round++) {
            double ownerMicros = micros(cpu, owner);
            double holderMicros = micros(cpu, holder);
            long start = cpu.getCurrentThreadCpuTime();
            sink = new PaillierEncryptor(keys.publicKey(), random);
            double tableMillis = (cpu.getCurrentThreadCpuTime() - start) / 1e6;
            System.out.printf(Locale.ROOT, "round %d: owner (tables mod p² and q²) %.1f µs, public key (table mod n²) "
                    + "%.1f µs an encryption, owner ÷ public %.2f; a public key's table %.1f ms%n", round, ownerMicros,
                    holderMicros, ownerMicros / holderMicros, tableMillis);
        }
    }

    /** CPU µs per encryption over about one second of the thread's CPU. */
    private static double micros(ThreadMXBean cpu, PaillierEncryptor enc) {
        long start = cpu.getCurrentThreadCpuTime();
        int n = 0;
        while (cpu.getCurrentThreadCpuTime() - start < 1_000_000_000L) {
            sink = enc.encrypt(n++);
        }
        return (cpu.getCurrentThreadCpuTime() - start) / 1e3 / n;
    }
}
