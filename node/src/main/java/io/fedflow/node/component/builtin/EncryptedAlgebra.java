package io.fedflow.node.component.builtin;

import io.fedflow.node.component.paillier.FixedPoint;
import io.fedflow.node.component.paillier.MultiExponentiation;
import io.fedflow.node.component.paillier.PaillierCounter;
import io.fedflow.node.component.paillier.PaillierEncryptor;
import io.fedflow.node.component.paillier.PaillierPublicKey;
import io.fedflow.node.component.paillier.ParallelWork;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The homomorphic arithmetic HeteroLR needs on top of the Paillier package: vectors encrypted in parallel,
 * X^T·E(d) as multi-exponentiations with small exponents, and plaintexts at a scale other than
 * {@link FixedPoint}'s. Features enter as integers at scale 2^{@value #X_SCALE_BITS} (a 2^-16 step is far
 * below what moves a gradient), so each exponent has about 20 bits instead of FixedPoint's 53+: the
 * products are 3 to 4 times cheaper, and a product E(a)^x lands at scale 2^(53+16).
 */
final class EncryptedAlgebra {
    static final int X_SCALE_BITS = 16;
    static final int PRODUCT_SCALE_BITS = FixedPoint.SCALE_BITS + X_SCALE_BITS;

    private EncryptedAlgebra() {}

    /** E(v_i) for each v_i at FixedPoint's scale, in parallel. */
    static List<BigInteger> encrypt(PaillierEncryptor enc, FixedPoint fp, double[] v) {
        return ParallelWork.call(() -> List.of(IntStream.range(0, v.length).parallel()
                .mapToObj(i -> enc.encrypt(fp.encode(v[i]))).toArray(BigInteger[]::new)));
    }

    /** x at scale 2^16 as an exponent. */
    static long quantize(double x) {
        return Math.round(x * (1 << X_SCALE_BITS));
    }

    /** round(x · 2^bits) mod n: a plaintext at another scale than FixedPoint's. */
    static BigInteger encodeAt(PaillierPublicKey key, double x, int bits) {
        if (!Double.isFinite(x)) {
            throw new IllegalArgumentException("cannot encode " + x);
        }
        return new BigDecimal(x).multiply(new BigDecimal(BigInteger.ONE.shiftLeft(bits)))
                .setScale(0, RoundingMode.HALF_EVEN).toBigInteger().mod(key.n());
    }

    /** A plaintext at {@link #PRODUCT_SCALE_BITS} back to a double. */
    static double decodeProduct(FixedPoint fp, BigInteger m) {
        return new BigDecimal(fp.signed(m)).divide(new BigDecimal(BigInteger.ONE.shiftLeft(PRODUCT_SCALE_BITS)))
                .doubleValue();
    }

    /**
     * For each column j of {@code a} (rows × columns), Π_i c_i^a[i][j] = E(Σ_i a[i][j]·m_i): one
     * multi-exponentiation per column over the same ciphertexts ({@link MultiExponentiation}: signed-digit
     * windows over powers of each ciphertext shared by all columns, or buckets when the columns are few).
     * Negative exponents stay small (a signed digit, not n − |a|). Columns run in parallel.
     */
    static BigInteger[] weightedSums(PaillierPublicKey key, List<BigInteger> c, long[][] a, int columns) {
        int rows = c.size();
        // Homomorphically, each column multiplies every ciphertext by its weight and adds the products.
        key.counter().count(PaillierCounter.Operation.MULTIPLY, (long) rows * columns);
        key.counter().count(PaillierCounter.Operation.ADD, (long) rows * columns);
        return MultiExponentiation.columns(key.multiplier(), c, a, columns);
    }

    /** Plaintext integers in [0, n) as bytes: the count, the width, then each at that width. */
    static byte[] encodeIntegers(PaillierPublicKey key, List<BigInteger> values) {
        int width = (key.n().bitLength() + 7) / 8 + 1;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(values.size());
            out.writeInt(width);
            for (BigInteger v : values) {
                byte[] raw = v.toByteArray();
                byte[] buf = new byte[width];
                System.arraycopy(raw, 0, buf, width - raw.length, raw.length);
                out.write(buf);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static List<BigInteger> decodeIntegers(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int count = in.readInt();
            int width = in.readInt();
            if (count < 0 || width <= 0 || (long) count * width != bytes.length - 8L) {
                throw new IllegalArgumentException("not a vector of integers");
            }
            BigInteger[] out = new BigInteger[count];
            byte[] buf = new byte[width];
            for (int i = 0; i < count; i++) {
                in.readFully(buf);
                out[i] = new BigInteger(buf);
            }
            return List.of(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] encodeDoubles(double[] v) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(4 + 8 * v.length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(v.length);
            for (double x : v) {
                out.writeDouble(x);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static double[] decodeDoubles(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int count = in.readInt();
            if (count < 0 || 8L * count != bytes.length - 4L) {
                throw new IllegalArgumentException("not a vector of doubles");
            }
            double[] out = new double[count];
            for (int i = 0; i < count; i++) {
                out[i] = in.readDouble();
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int[] decodeInts(byte[] bytes) {
        double[] d = decodeDoubles(bytes);
        return Arrays.stream(d).mapToInt(x -> (int) x).toArray();
    }
}
