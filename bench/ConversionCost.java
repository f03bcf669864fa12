import io.fedflow.node.component.paillier.MontgomeryMultiplier;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.lang.management.ManagementFactory;

/**
 * Is the int[] ↔ BigInteger conversion of MontgomeryMultiplier (ByteBuffer.asIntBuffer, which JFR showed as 19 %
 * of samples in Unsafe.copySwapMemory under PrecomputedObfuscators) a real cost? CPU µs of one thread for the
 * conversion as the class does it (ByteBuffer) and as a plain byte loop, against one Montgomery product, the
 * product of two plain values (two products and three conversions) and toBigInteger (a product and one
 * conversion). Run on the node's classpath:
 *   java --add-opens java.base/java.math=ALL-UNNAMED -cp "node/target/fedflow-node-0.1.0-SNAPSHOT.jar" \
 *       bench/ConversionCost.java
 * The second line of output is the warm one.
 */
public class ConversionCost {
    static Object sink;
    static BigInteger valueBB(int[] x) {
        ByteBuffer bytes = ByteBuffer.allocate(4 * x.length);
        bytes.asIntBuffer().put(x);
        return new BigInteger(1, bytes.array());
    }
    static BigInteger valueLoop(int[] x) {
        byte[] b = new byte[4 * x.length];
        for (int i = 0, j = 0; i < x.length; i++, j += 4) {
            int v = x[i];
            b[j] = (byte) (v >>> 24); b[j + 1] = (byte) (v >>> 16); b[j + 2] = (byte) (v >>> 8); b[j + 3] = (byte) v;
        }
        return new BigInteger(1, b);
    }
    static int[] intsBB(BigInteger x, int length) {
        byte[] raw = x.toByteArray();
        int skip = raw.length > 4 * length ? raw.length - 4 * length : 0;
        byte[] padded = new byte[4 * length];
        System.arraycopy(raw, skip, padded, padded.length - (raw.length - skip), raw.length - skip);
        int[] out = new int[length];
        ByteBuffer.wrap(padded).asIntBuffer().get(out);
        return out;
    }
    static int[] intsLoop(BigInteger x, int length) {
        byte[] raw = x.toByteArray();
        int[] out = new int[length];
        // raw big-endian; fill out from the least significant end
        int k = raw.length - 1;
        for (int i = length - 1; i >= 0 && k >= 0; i--) {
            int v = 0;
            for (int s = 0; s < 32 && k >= 0; s += 8, k--) {
                v |= (raw[k] & 0xff) << s;
            }
            out[i] = v;
        }
        return out;
    }
    interface Op { void run(int i); }
    static double cpu(Op op, double seconds) {
        var t = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 200000; i++) op.run(i);
        long c0 = t.getCurrentThreadCpuTime(); long n = 0; long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end) { for (int i = 0; i < 1000; i++) op.run(i); n += 1000; }
        return (t.getCurrentThreadCpuTime() - c0) / 1e3 / n;
    }
    public static void main(String[] a) {
        SecureRandom r = new SecureRandom();
        BigInteger n = BigInteger.probablePrime(512, r).multiply(BigInteger.probablePrime(512, r));
        BigInteger n2 = n.multiply(n);
        MontgomeryMultiplier m = new MontgomeryMultiplier(n2);
        int len = m.length();
        BigInteger[] xs = new BigInteger[1024];
        int[][] ms = new int[1024][];
        for (int i = 0; i < 1024; i++) { xs[i] = new BigInteger(2040, r).mod(n2); ms[i] = m.toMontgomery(xs[i]); }
        for (int i = 0; i < 1024; i++) {
            if (!valueBB(ms[i]).equals(valueLoop(ms[i]))) throw new AssertionError("value");
            if (!java.util.Arrays.equals(intsBB(xs[i], len), intsLoop(xs[i], len))) throw new AssertionError("ints");
        }
        for (int rep = 0; rep < 2; rep++) {
        System.out.printf("valueBB %.3f us, valueLoop %.3f us, intsBB %.3f us, intsLoop %.3f us, montMul %.3f us, mul(BigInteger) %.3f us, toBigInteger %.3f us%n",
            cpu(i -> sink = valueBB(ms[i & 1023]), 2), cpu(i -> sink = valueLoop(ms[i & 1023]), 2),
            cpu(i -> sink = intsBB(xs[i & 1023], len), 2), cpu(i -> sink = intsLoop(xs[i & 1023], len), 2),
            cpu(i -> sink = m.multiply(ms[i & 1023], ms[(i + 1) & 1023]), 2),
            cpu(i -> sink = m.multiply(xs[i & 1023], xs[(i + 1) & 1023]), 2),
            cpu(i -> sink = m.toBigInteger(ms[i & 1023]), 2));
        }
    }
}
