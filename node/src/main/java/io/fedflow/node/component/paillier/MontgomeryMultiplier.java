package io.fedflow.node.component.paillier;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.math.BigInteger;
import java.nio.ByteBuffer;

/**
 * Products modulo a fixed odd modulus N in Montgomery form: a value x is held as x·R mod N, R = 2^(32·length),
 * in an int[] of {@link #length()} ints, most significant first (BigInteger's magnitude order), so a chain of
 * products (a multi-exponentiation, a fixed-base encryption) costs one Montgomery product each and converts
 * from and to BigInteger once at its ends. Thread-safe; the arrays it returns are fresh and never changed.
 *
 * <p>Why not BigInteger: a product mod a 2048-bit n² through {@code multiply} and Barrett's reduction costs
 * about 3.9 µs (three full multiplications), while one multiplication inside {@code BigInteger.modPow} costs
 * about 1.3 µs: the JDK's Montgomery product is a HotSpot intrinsic (x86-64 and AArch64). It is private, so
 * this class calls it through a method handle when the JVM opens java.math to it ({@code --add-opens
 * java.base/java.math=ALL-UNNAMED}, which bin/fedflow-node, the tests and the benches pass). Without that
 * flag it computes the same residues by Montgomery's reduction over BigInteger (three multiplications, about
 * Barrett's cost). Limbs in plain Java (long[] of 56 bits with Math.multiplyHigh, or int[]) were measured at
 * 3.5 and 5.6 µs: the multiplier port, not the carries, bounds them.
 *
 * <p>Values in Montgomery form may lie in [N, R) between products (as inside modPow); {@link #toBigInteger}
 * returns the residue in [0, N). {@link #toMontgomery} and {@link #multiply(BigInteger, BigInteger)} refuse
 * an operand outside [0, N) with an IllegalArgumentException: reduce it first.
 *
 * <p>A chain of products (a multi-exponentiation's column, an obfuscator) would allocate one array a product:
 * gigabytes a HeteroLR job, most of its garbage. {@link #multiply(int[], int[], int[])} and {@link Product}
 * write into buffers the caller owns instead, and with java.math open the conversions read and make
 * BigInteger's magnitude directly rather than through bytes.
 */
public final class MontgomeryMultiplier {
    /** The JDK's own bound: above it BigInteger does not call the intrinsic either. */
    private static final int MAX_INTRINSIC_INTS = 512;
    private static final MethodHandle JDK_MULTIPLY;
    private static final MethodHandle JDK_SQUARE;
    /** BigInteger's magnitude (its ints, most significant first, no leading zero): read, never written. */
    private static final MethodHandle MAGNITUDE;
    /** BigInteger's private (signum, int[] magnitude) constructor: it copies the ints it keeps. */
    private static final MethodHandle FROM_MAGNITUDE;

    static {
        MethodHandle multiply = null;
        MethodHandle square = null;
        MethodHandle magnitude = null;
        MethodHandle fromMagnitude = null;
        try {
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(BigInteger.class, MethodHandles.lookup());
            multiply = lookup.findStatic(BigInteger.class, "implMontgomeryMultiply", MethodType.methodType(
                    int[].class, int[].class, int[].class, int[].class, int.class, long.class, int[].class));
            square = lookup.findStatic(BigInteger.class, "implMontgomerySquare", MethodType.methodType(
                    int[].class, int[].class, int[].class, int.class, long.class, int[].class));
            magnitude = lookup.findGetter(BigInteger.class, "mag", int[].class);
            fromMagnitude = lookup.findConstructor(BigInteger.class,
                    MethodType.methodType(void.class, int.class, int[].class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            // java.math not opened to us, or another JDK: the BigInteger reduction below does the same work
            multiply = null;
            square = null;
            magnitude = null;
            fromMagnitude = null;
        }
        JDK_MULTIPLY = multiply;
        JDK_SQUARE = square;
        MAGNITUDE = magnitude;
        FROM_MAGNITUDE = fromMagnitude;
    }

    private final BigInteger modulus;
    private final int length;
    private final int[] modulusInts;
    /** −N^-1 mod 2^64, as the intrinsic wants it. */
    private final long inverse;
    /** R² mod N: a product with it brings a value into Montgomery form. */
    private final int[] rSquared;
    private final int[] plainOne;
    private final boolean intrinsic;
    /** For the BigInteger reduction: R − 1 and −N^-1 mod R. */
    private final BigInteger rMask;
    private final BigInteger negativeInverse;

    /** A multiplier mod {@code modulus} (odd, > 1), with the JDK's intrinsic when java.math is open to it. */
    public MontgomeryMultiplier(BigInteger modulus) {
        this(modulus, true);
    }

    /** {@code useIntrinsic} false forces the BigInteger reduction (tests compare the two). */
    MontgomeryMultiplier(BigInteger modulus, boolean useIntrinsic) {
        if (modulus.signum() <= 0 || !modulus.testBit(0) || modulus.equals(BigInteger.ONE)) {
            throw new IllegalArgumentException("a Montgomery modulus must be odd and above 1");
        }
        this.modulus = modulus;
        int ints = (modulus.bitLength() + 31) / 32;
        // the intrinsic works on 64-bit words: an even count of ints, and N as long as that count (as in modPow)
        this.intrinsic = useIntrinsic && JDK_MULTIPLY != null && ints % 2 == 0 && ints <= MAX_INTRINSIC_INTS;
        this.length = ints + (ints % 2);
        BigInteger r = BigInteger.ONE.shiftLeft(32 * length);
        this.modulusInts = ints(modulus);
        this.inverse = modulus.modInverse(BigInteger.ONE.shiftLeft(64)).negate().longValue();
        this.rSquared = ints(r.multiply(r).mod(modulus));
        this.plainOne = ints(BigInteger.ONE);
        this.rMask = r.subtract(BigInteger.ONE);
        this.negativeInverse = r.subtract(modulus.modInverse(r));
    }

    public BigInteger modulus() {
        return modulus;
    }

    /** Ints of a value in Montgomery form. */
    public int length() {
        return length;
    }

    /** Whether this JVM lets products go through the JDK's intrinsic ({@code --add-opens java.base/java.math}). */
    public static boolean jdkIntrinsicAvailable() {
        return JDK_MULTIPLY != null && JDK_SQUARE != null;
    }

    /** Whether products go through the JDK's intrinsic (java.math open to this class) or BigInteger. */
    public boolean usesIntrinsic() {
        return intrinsic;
    }

    /** x·R mod N for x in [0, N). */
    public int[] toMontgomery(BigInteger x) {
        return multiply(ints(checked(x)), rSquared);
    }

    /** The residue in [0, N) of a value in Montgomery form. */
    public BigInteger toBigInteger(int[] x) {
        BigInteger v = value(multiply(x, plainOne));
        // x < R gives x·R^-1 mod N at most N (x ≡ 0 may come out as N itself)
        return v.compareTo(modulus) >= 0 ? v.subtract(modulus) : v;
    }

    /** The Montgomery product a·b·R^-1 mod N: of two values in Montgomery form, the form of their product. */
    public int[] multiply(int[] a, int[] b) {
        int[] out = new int[length];
        multiply(a, b, out);
        return out;
    }

    /**
     * As {@link #multiply(int[], int[])}, written into {@code out} ({@link #length()} ints, neither a nor b:
     * the product reads its operands while it writes).
     */
    public void multiply(int[] a, int[] b, int[] out) {
        checkOut(out, a, b);
        if (!intrinsic) {
            copyInto(reduce(value(a).multiply(value(b))), out);
            return;
        }
        try {
            copyInto((int[]) JDK_MULTIPLY.invokeExact(a, b, modulusInts, length, inverse, out), out);
        } catch (Throwable e) {
            throw new IllegalStateException("BigInteger's Montgomery multiplication failed", e);
        }
    }

    /** The Montgomery square: as multiply(a, a), for about the same cost or less. */
    public int[] square(int[] a) {
        int[] out = new int[length];
        square(a, out);
        return out;
    }

    /** As {@link #square(int[])}, written into {@code out} ({@link #length()} ints, not a). */
    public void square(int[] a, int[] out) {
        checkOut(out, a, a);
        if (!intrinsic) {
            BigInteger v = value(a);
            copyInto(reduce(v.multiply(v)), out);
            return;
        }
        try {
            copyInto((int[]) JDK_SQUARE.invokeExact(a, modulusInts, length, inverse, out), out);
        } catch (Throwable e) {
            throw new IllegalStateException("BigInteger's Montgomery squaring failed", e);
        }
    }

    private void checkOut(int[] out, int[] a, int[] b) {
        if (out.length != length || out == a || out == b) {
            throw new IllegalArgumentException("a product goes into an array of " + length
                    + " ints that is neither operand");
        }
    }

    /** base^exponent in Montgomery form, left to right over the exponent's bits (exponent ≥ 0). */
    public int[] pow(int[] base, BigInteger exponent) {
        if (exponent.signum() < 0) {
            throw new IllegalArgumentException("the exponent cannot be negative");
        }
        int[] acc = toMontgomery(BigInteger.ONE);
        for (int bit = exponent.bitLength() - 1; bit >= 0; bit--) {
            acc = square(acc);
            if (exponent.testBit(bit)) {
                acc = multiply(acc, base);
            }
        }
        return acc;
    }

    /**
     * a·b mod N for plain a and b in [0, N): two Montgomery products (a·b·R^-1, then times R²·R^-1), still
     * cheaper than one BigInteger product and reduction once the intrinsic runs.
     */
    public BigInteger multiply(BigInteger a, BigInteger b) {
        int[] x = ints(checked(a));
        int[] y = ints(checked(b));
        int[] product = new int[length];
        multiply(x, y, product);
        multiply(product, rSquared, x); // x is free again: one array less
        BigInteger v = value(x);
        while (v.compareTo(modulus) >= 0) {
            v = v.subtract(modulus);
        }
        return v;
    }

    private BigInteger checked(BigInteger x) {
        if (x.signum() < 0 || x.compareTo(modulus) >= 0) {
            throw new IllegalArgumentException("an operand must be in [0, modulus): reduce it first");
        }
        return x;
    }

    /**
     * Montgomery's reduction of t < R·N: (t + m·N) / R with m = t·(−N^-1) mod R, which R divides exactly;
     * below 2N, so one subtraction leaves it in [0, N).
     */
    private int[] reduce(BigInteger t) {
        BigInteger m = t.and(rMask).multiply(negativeInverse).and(rMask);
        BigInteger u = t.add(m.multiply(modulus)).shiftRight(32 * length);
        return ints(u.compareTo(modulus) >= 0 ? u.subtract(modulus) : u);
    }

    /**
     * A product's ints into out, unless it is out already. Without the intrinsic (an interpreted call), the
     * JDK's Java code returns a new array of 2·length ints, result first; the BigInteger reduction a new one.
     */
    private void copyInto(int[] product, int[] out) {
        if (product != out) {
            System.arraycopy(product, 0, out, 0, length);
        }
    }

    /** x (0 ≤ x < R) as {@link #length} ints, most significant first: its magnitude right-aligned. */
    private int[] ints(BigInteger x) {
        if (MAGNITUDE != null) {
            int[] magnitude;
            try {
                magnitude = (int[]) MAGNITUDE.invokeExact(x);
            } catch (Throwable e) {
                throw new IllegalStateException("BigInteger's magnitude could not be read", e);
            }
            int[] out = new int[length];
            System.arraycopy(magnitude, 0, out, length - magnitude.length, magnitude.length);
            return out;
        }
        byte[] raw = x.toByteArray();
        int skip = raw.length > 4 * length ? raw.length - 4 * length : 0; // a leading sign byte
        byte[] padded = new byte[4 * length];
        System.arraycopy(raw, skip, padded, padded.length - (raw.length - skip), raw.length - skip);
        int[] out = new int[length];
        ByteBuffer.wrap(padded).asIntBuffer().get(out);
        return out;
    }

    private static BigInteger value(int[] x) {
        if (FROM_MAGNITUDE != null) {
            try {
                return (BigInteger) FROM_MAGNITUDE.invokeExact(1, x);
            } catch (Throwable e) {
                throw new IllegalStateException("a BigInteger could not be made of its magnitude", e);
            }
        }
        ByteBuffer bytes = ByteBuffer.allocate(4 * x.length);
        bytes.asIntBuffer().put(x);
        return new BigInteger(1, bytes.array());
    }

    /**
     * A running product in Montgomery form, held in two buffers of its own: each product is written into the
     * buffer that is not its operand, so a chain of k products allocates two arrays instead of k. A factor is
     * only read (a table's powers stay as they are); {@link #value()} is one of the buffers, valid until the
     * next product. Not thread-safe: one per column, task or obfuscator.
     */
    static final class Product {
        private final MontgomeryMultiplier mod;
        private int[] first;
        private int[] second;
        /** null for 1 (no factor yet), else first or second. */
        private int[] value;

        Product(MontgomeryMultiplier mod) {
            this.mod = mod;
        }

        /** Multiplies by x (Montgomery form; x may be this product's own value: a square). */
        void times(int[] x) {
            if (value == null) {
                value = x == first ? second() : first();
                System.arraycopy(x, 0, value, 0, mod.length);
                return;
            }
            int[] out = spare();
            mod.multiply(value, x, out);
            value = out;
        }

        /** Squares the product (1 stays 1). */
        void square() {
            if (value != null) {
                int[] out = spare();
                mod.square(value, out);
                value = out;
            }
        }

        /** null for an empty product (1), else the product in Montgomery form: read it before the next product. */
        int[] value() {
            return value;
        }

        private int[] spare() {
            return value == first ? second() : first();
        }

        private int[] first() {
            if (first == null) {
                first = new int[mod.length];
            }
            return first;
        }

        private int[] second() {
            if (second == null) {
                second = new int[mod.length];
            }
            return second;
        }
    }
}
