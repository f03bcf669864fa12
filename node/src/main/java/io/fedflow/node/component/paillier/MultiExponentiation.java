package io.fedflow.node.component.paillier;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Column products over shared bases: out_j = Π_i c_i^a[i][j] mod m for signed 64-bit exponents, the shape of
 * X^T·E(d) (one ciphertext per row, one feature column per output). The cost is the number of Montgomery
 * products ({@link MontgomeryMultiplier}: the bases enter Montgomery form once, every product and square of
 * the method stays in it, and each column leaves it once), and two methods divide it differently;
 * {@link #columns} takes the cheaper by a count:
 * <ul>
 *   <li>{@link #straus} for many columns: each base's small odd powers are tabulated once and shared by all
 *   columns, and every exponent is recoded in width-w NAF (signed digits, about bits/(w+1) of them non-zero,
 *   against bits/w for the unsigned windows of Straus' original method), so a term costs one multiplication
 *   per non-zero digit.</li>
 *   <li>{@link #buckets} (Pippenger) for few columns: no table; per window of c bits each row goes into the
 *   bucket of its digit and the buckets are summed with two multiplications each, which beats a table that
 *   only one or two columns would use (the guest's loss column).</li>
 * </ul>
 * Negative digits go to a second accumulator per column, and all columns' second accumulators are inverted
 * together with one modular inversion (Montgomery's trick): an inversion costs about 60 multiplications at
 * 2048 bits. The result is the same residue as the naive product (exact arithmetic, whichever method), and
 * needs the bases to be units mod m in [0, m) (any ciphertext is; NAF gives even a positive exponent negative
 * digits, so a base that is no unit may be refused with an IllegalArgumentException, as is one of m or more).
 * Columns run in parallel.
 */
public final class MultiExponentiation {
    /** Tables of at most 2^(6-2) = 16 odd powers per base: no more memory than the 4-bit windows before. */
    static final int MAX_NAF_WIDTH = 6;
    /** Buckets of at most 2^11 per sign and task in flight. */
    static final int MAX_BUCKET_BITS = 12;
    /** NAF digits of a 64-bit magnitude: at most 65 (2^63 and a carry); 66 as before. */
    static final int NAF_DIGITS = 66;

    private MultiExponentiation() {}

    /** For each column j of {@code a} (rows × columns), Π_i bases_i^a[i][j] mod the multiplier's modulus. */
    public static BigInteger[] columns(MontgomeryMultiplier mod, List<BigInteger> bases, long[][] a,
                                       int columns) {
        Plan plan = Plan.cheapest(bases.size(), columns, a);
        return ParallelWork.call(() -> plan.straus
                ? straus(mod, bases, a, columns, plan.bits)
                : buckets(mod, bases, a, columns, plan.bits));
    }

    /**
     * What {@link #columns} does for these dimensions: the method and its window, by the count of
     * multiplications each needs (tables, digits, squarings and bucket sums).
     */
    record Plan(boolean straus, int bits, double multiplications) {
        static Plan cheapest(int rows, int columns, long[][] a) {
            long sumBits = 0;
            int maxBits = 0;
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < columns; j++) {
                    int bits = magnitudeBits(a[i][j]);
                    sumBits += bits;
                    maxBits = Math.max(maxBits, bits);
                }
            }
            double avgBits = rows * columns == 0 ? 0 : (double) sumBits / ((long) rows * columns);
            Plan best = null;
            for (int w = 2; w <= MAX_NAF_WIDTH; w++) {
                double table = w == 2 ? 0 : (double) rows * (1 << (w - 2));
                double cost = table + (double) rows * columns * avgBits / (w + 1) + 2.0 * columns * maxBits;
                best = best == null || cost < best.multiplications ? new Plan(true, w, cost) : best;
            }
            for (int c = 1; c <= MAX_BUCKET_BITS; c++) {
                int windows = maxBits / c + 1;
                double cost = (double) columns * windows * (rows + 2.0 * (1 << c) + 2.0 * c);
                best = cost < best.multiplications ? new Plan(false, c, cost) : best;
            }
            return best;
        }
    }

    /** Straus' method over width-{@code width} NAF digits (width 2 to {@link #MAX_NAF_WIDTH}). */
    static BigInteger[] straus(MontgomeryMultiplier mod, List<BigInteger> bases, long[][] a, int columns,
                               int width) {
        if (width < 2 || width > MAX_NAF_WIDTH) {
            throw new IllegalArgumentException("NAF width must be 2 to " + MAX_NAF_WIDTH + ", got " + width);
        }
        int rows = bases.size();
        int powers = 1 << (width - 2);
        // table[i][k] = c_i^(2k+1): the odd powers a width-w NAF digit can ask for
        int[][][] table = new int[rows][][];
        IntStream.range(0, rows).parallel().forEach(i -> {
            int[][] t = new int[powers][];
            t[0] = mod.toMontgomery(bases.get(i));
            int[] square = powers > 1 ? mod.square(t[0]) : null;
            for (int k = 1; k < powers; k++) {
                t[k] = mod.multiply(t[k - 1], square);
            }
            table[i] = t;
        });
        int[][] pos = new int[columns][];
        int[][] neg = new int[columns][];
        IntStream.range(0, columns).parallel().forEach(j -> {
            // row i's digits at digits[i·NAF_DIGITS...]: one array a column, not one a row
            byte[] digits = new byte[rows * NAF_DIGITS];
            int[] lengths = new int[rows];
            int length = 0;
            for (int i = 0; i < rows; i++) {
                lengths[i] = naf(a[i][j], width, digits, i * NAF_DIGITS);
                length = Math.max(length, lengths[i]);
            }
            MontgomeryMultiplier.Product p = new MontgomeryMultiplier.Product(mod);
            MontgomeryMultiplier.Product q = new MontgomeryMultiplier.Product(mod);
            for (int bit = length - 1; bit >= 0; bit--) {
                p.square();
                q.square();
                for (int i = 0; i < rows; i++) {
                    byte d = bit < lengths[i] ? digits[i * NAF_DIGITS + bit] : 0;
                    if (d > 0) {
                        p.times(table[i][d >> 1]);
                    } else if (d < 0) {
                        q.times(table[i][-d >> 1]);
                    }
                }
            }
            pos[j] = p.value();
            neg[j] = q.value();
        });
        return divide(mod, pos, neg);
    }

    /** Pippenger's bucket method over balanced digits of {@code bits} bits (1 to {@link #MAX_BUCKET_BITS}). */
    static BigInteger[] buckets(MontgomeryMultiplier mod, List<BigInteger> bases, long[][] a, int columns,
                                int bits) {
        if (bits < 1 || bits > MAX_BUCKET_BITS) {
            throw new IllegalArgumentException("bucket bits must be 1 to " + MAX_BUCKET_BITS + ", got " + bits);
        }
        int rows = bases.size();
        int windows = maxBits(a, columns) / bits + 1;
        int[][][] digits = new int[columns][rows][];
        int[][] base = IntStream.range(0, rows).parallel().mapToObj(i -> mod.toMontgomery(bases.get(i)))
                .toArray(int[][]::new);
        IntStream.range(0, columns).parallel().forEach(j -> {
            for (int i = 0; i < rows; i++) {
                digits[j][i] = balanced(a[i][j], bits, windows);
            }
        });
        // one task per column and window: that window's Σ digit·c_i, positive and negative digits apart
        int[][][] pos = new int[columns][windows][];
        int[][][] neg = new int[columns][windows][];
        int half = 1 << (bits - 1);
        IntStream.range(0, columns * windows).parallel().forEach(task -> {
            int j = task / windows;
            int w = task % windows;
            MontgomeryMultiplier.Product[] up = new MontgomeryMultiplier.Product[half + 1];
            MontgomeryMultiplier.Product[] down = new MontgomeryMultiplier.Product[half + 1];
            for (int i = 0; i < rows; i++) {
                int d = digits[j][i][w];
                if (d > 0) {
                    bucket(mod, up, d).times(base[i]);
                } else if (d < 0) {
                    bucket(mod, down, -d).times(base[i]);
                }
            }
            pos[j][w] = sumOfBuckets(mod, up);
            neg[j][w] = sumOfBuckets(mod, down);
        });
        int[][] p = new int[columns][];
        int[][] q = new int[columns][];
        for (int j = 0; j < columns; j++) {
            p[j] = horner(mod, pos[j], bits);
            q[j] = horner(mod, neg[j], bits);
        }
        return divide(mod, p, q);
    }

    /**
     * The widest magnitude in {@code a}: a method of its own so that its loop's back edges count towards this
     * small method and not towards {@link #buckets}, which would otherwise be compiled (and replaced on the stack)
     * whole, with all it inlines, for a loop over a few thousand numbers.
     */
    private static int maxBits(long[][] a, int columns) {
        int maxBits = 0;
        for (long[] row : a) {
            for (int j = 0; j < columns; j++) {
                maxBits = Math.max(maxBits, magnitudeBits(row[j]));
            }
        }
        return maxBits;
    }

    private static MontgomeryMultiplier.Product bucket(MontgomeryMultiplier mod, MontgomeryMultiplier.Product[] b,
                                                       int v) {
        if (b[v] == null) {
            b[v] = new MontgomeryMultiplier.Product(mod);
        }
        return b[v];
    }

    /** Π_v bucket[v]^v with two multiplications per bucket: a running product from the top down. */
    private static int[] sumOfBuckets(MontgomeryMultiplier mod, MontgomeryMultiplier.Product[] bucket) {
        MontgomeryMultiplier.Product running = new MontgomeryMultiplier.Product(mod);
        MontgomeryMultiplier.Product total = new MontgomeryMultiplier.Product(mod);
        for (int v = bucket.length - 1; v >= 1; v--) {
            if (bucket[v] != null) {
                running.times(bucket[v].value());
            }
            if (running.value() != null) {
                total.times(running.value());
            }
        }
        return total.value();
    }

    /** Π_w window[w]^(2^(bits·w)): each window shifted in by {@code bits} squarings. */
    private static int[] horner(MontgomeryMultiplier mod, int[][] window, int bits) {
        MontgomeryMultiplier.Product acc = new MontgomeryMultiplier.Product(mod);
        for (int w = window.length - 1; w >= 0; w--) {
            for (int s = 0; s < bits && acc.value() != null; s++) {
                acc.square();
            }
            if (window[w] != null) {
                acc.times(window[w]);
            }
        }
        return acc.value();
    }

    /**
     * pos_j / neg_j for every column (in Montgomery form, null standing for 1), as residues. The divisors are
     * inverted together (Montgomery's trick): one inversion and three products per divisor instead of one
     * inversion each.
     */
    private static BigInteger[] divide(MontgomeryMultiplier mod, int[][] pos, int[][] neg) {
        int columns = pos.length;
        int[][] prefix = new int[columns][];
        int[] product = null;
        for (int j = 0; j < columns; j++) {
            if (neg[j] != null) {
                product = times(mod, product, neg[j]);
            }
            prefix[j] = product;
        }
        BigInteger[] out = new BigInteger[columns];
        int[] inverse = product == null ? null
                : mod.toMontgomery(inverse(mod.toBigInteger(product), mod.modulus()));
        for (int j = columns - 1; j >= 0; j--) {
            if (neg[j] == null) {
                out[j] = pos[j] == null ? BigInteger.ONE : mod.toBigInteger(pos[j]);
                continue;
            }
            // inverse = 1 / (neg_0 ··· neg_j); the product of the earlier divisors turns it into 1 / neg_j
            int[] before = j == 0 ? null : prefix[j - 1];
            int[] inverseOfThis = before == null ? inverse : mod.multiply(inverse, before);
            out[j] = mod.toBigInteger(pos[j] == null ? inverseOfThis : mod.multiply(pos[j], inverseOfThis));
            inverse = mod.multiply(inverse, neg[j]);
        }
        return out;
    }

    private static BigInteger inverse(BigInteger x, BigInteger modulus) {
        try {
            return x.modInverse(modulus);
        } catch (ArithmeticException e) {
            // only a base sharing a factor with the modulus gets here: no ciphertext does
            throw new IllegalArgumentException("a base with a negative digit is not a unit mod the modulus "
                    + "(not a ciphertext of this key)", e);
        }
    }

    private static int[] times(MontgomeryMultiplier mod, int[] acc, int[] x) {
        return acc == null ? x : mod.multiply(acc, x);
    }

    /** Bits of |v| read as unsigned (so Long.MIN_VALUE's magnitude, 2^63, has 64). */
    static int magnitudeBits(long v) {
        return 64 - Long.numberOfLeadingZeros(v < 0 ? -v : v);
    }

    /**
     * v in width-w NAF, least significant digit first: odd digits in (−2^(w−1), 2^(w−1)) or zero, at most
     * one non-zero in any w consecutive. The magnitude is recoded as an unsigned number, then signed.
     */
    static byte[] naf(long v, int width) {
        byte[] out = new byte[NAF_DIGITS];
        return Arrays.copyOf(out, naf(v, width, out, 0));
    }

    /** As {@link #naf(long, int)}, into out from {@code offset} (room for {@link #NAF_DIGITS}); the digit count. */
    static int naf(long v, int width, byte[] out, int offset) {
        boolean negative = v < 0;
        long k = negative ? -v : v; // unsigned: up to 2^63
        long mask = (1L << width) - 1;
        long half = 1L << (width - 1);
        int length = 0;
        while (k != 0) {
            int d = 0;
            if ((k & 1) != 0) {
                long r = k & mask;
                d = (int) (r >= half ? r - (1L << width) : r);
                k -= d; // clears the low w bits; at most 2^63 + 2^(w-1), still an unsigned long
            }
            out[offset + length++] = (byte) (negative ? -d : d);
            k >>>= 1;
        }
        return length;
    }

    /** v in {@code windows} balanced base-2^bits digits, in (−2^(bits−1), 2^(bits−1)], least significant first. */
    static int[] balanced(long v, int bits, int windows) {
        boolean negative = v < 0;
        long k = negative ? -v : v; // unsigned
        long mask = (1L << bits) - 1;
        long half = 1L << (bits - 1);
        int[] out = new int[windows];
        for (int w = 0; k != 0; w++) {
            long r = k & mask;
            int d = (int) (r > half ? r - (1L << bits) : r);
            k = (k - d) >>> bits;
            out[w] = negative ? -d : d;
        }
        return out;
    }
}
