import io.fedflow.node.component.paillier.PaillierEncryptor;
import io.fedflow.node.component.paillier.PaillierKeyPair;
import io.fedflow.node.component.paillier.PaillierPublicKey;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Paillier benchmark, run on demand (not part of the Maven build): see bench/paillier-bench.sh. Per key
 * size: encryptions (fixed-base obfuscator by CRT at the key's owner, by the public key alone, and for comparison the textbook r^n mod n²), CRT decryptions
 * (and the textbook c^λ mod n² for comparison), homomorphic additions and scalar products, each in
 * operations per second on one thread over --seconds after a warm-up of the same length.
 */
public class PaillierBench {
    static volatile Object sink;

    public static void main(String[] args) {
        double seconds = 2;
        List<Integer> sizes = new ArrayList<>(List.of(1024, 2048));
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--bits" -> {
                    sizes.clear();
                    for (String b : args[++i].split(",")) {
                        sizes.add(Integer.parseInt(b));
                    }
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        System.out.printf("| bits | keygen ms | encrypt/s (key owner: CRT) | encrypt/s (public key only) | encrypt/s (textbook r^n) | decrypt/s (CRT) "
                + "| decrypt/s (textbook λ) | add/s | scalar mul/s (64-bit k) |%n|---|---|---|---|---|---|---|---|---|%n");
        for (int bits : sizes) {
            SecureRandom random = new SecureRandom();
            long t0 = System.nanoTime();
            PaillierKeyPair keys = PaillierKeyPair.generate(bits, random);
            double keygenMs = (System.nanoTime() - t0) / 1e6;
            PaillierPublicKey pub = keys.publicKey();
            PaillierEncryptor enc = new PaillierEncryptor(keys.privateKey(), random);
            PaillierEncryptor encPublic = new PaillierEncryptor(pub, random);
            BigInteger n = pub.n();
            BigInteger n2 = pub.nSquared();
            BigInteger[] cs = new BigInteger[1024];
            for (int i = 0; i < cs.length; i++) {
                cs[i] = enc.encrypt(new BigInteger(bits - 2, random));
            }
            BigInteger[] ks = new BigInteger[1024];
            for (int i = 0; i < ks.length; i++) {
                ks[i] = new BigInteger(64, random);
            }
            // textbook forms, for the speed-up: fresh r^n mod n², and decryption with λ = lcm(p-1, q-1)
            BigInteger lambda = lambda(keys, n);
            BigInteger mu = lambda.modInverse(n);
            double e = rate(seconds, i -> sink = enc.encrypt(BigInteger.valueOf(i)));
            double ePublic = rate(seconds, i -> sink = encPublic.encrypt(BigInteger.valueOf(i)));
            double eTextbook = rate(seconds, i -> {
                BigInteger r = new BigInteger(bits - 1, random);
                sink = BigInteger.ONE.add(BigInteger.valueOf(i).multiply(n)).multiply(r.modPow(n, n2)).mod(n2);
            });
            double d = rate(seconds, i -> sink = keys.privateKey().decrypt(cs[i & 1023]));
            double dTextbook = rate(seconds, i -> sink = cs[i & 1023].modPow(lambda, n2).subtract(BigInteger.ONE)
                    .divide(n).multiply(mu).mod(n));
            double a = rate(seconds, i -> sink = pub.add(cs[i & 1023], cs[(i + 1) & 1023]));
            double m = rate(seconds, i -> sink = pub.multiply(cs[i & 1023], ks[i & 1023]));
            System.out.printf("| %d | %.0f | %,.0f | %,.0f | %,.0f | %,.0f | %,.0f | %,.0f | %,.0f |%n", bits, keygenMs, e, ePublic,
                    eTextbook, d, dTextbook, a, m);
        }
    }

    /** λ = lcm(p-1, q-1) for the textbook decryption; the key does not expose p and q, so reflection. */
    static BigInteger lambda(PaillierKeyPair keys, BigInteger n) {
        try {
            var pf = keys.privateKey().getClass().getDeclaredField("p");
            var qf = keys.privateKey().getClass().getDeclaredField("q");
            pf.setAccessible(true);
            qf.setAccessible(true);
            BigInteger p1 = ((BigInteger) pf.get(keys.privateKey())).subtract(BigInteger.ONE);
            BigInteger q1 = ((BigInteger) qf.get(keys.privateKey())).subtract(BigInteger.ONE);
            return p1.multiply(q1).divide(p1.gcd(q1));
        } catch (ReflectiveOperationException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** Operations per second of {@code op} on this thread, after a warm-up of the same length. */
    static double rate(double seconds, IntConsumer op) {
        run(seconds, op);
        return run(seconds, op);
    }

    static double run(double seconds, IntConsumer op) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long t0 = System.nanoTime();
        int i = 0;
        long now;
        do {
            for (int k = 0; k < 16; k++) {
                op.accept(i++);
            }
            now = System.nanoTime();
        } while (now < end);
        return i / ((now - t0) / 1e9);
    }
}
