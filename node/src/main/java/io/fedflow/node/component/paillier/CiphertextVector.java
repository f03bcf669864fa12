package io.fedflow.node.component.paillier;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Ciphertexts as bytes for the transfer channel: a magic, the count, the width, then each ciphertext
 * unsigned big-endian at that fixed width (the size of n², so a 1024-bit key costs 256 bytes a value and
 * nothing more: no per-value length, no JSON or base64).
 */
public final class CiphertextVector {
    static final int MAGIC = 0x50414931; // "PAI1"

    private CiphertextVector() {}

    public static byte[] encode(PaillierPublicKey key, List<BigInteger> ciphertexts) {
        int width = key.ciphertextBytes();
        // written in place into the one array returned (a stream would copy it whole once more)
        byte[] out = new byte[Math.toIntExact(12 + (long) width * ciphertexts.size())];
        ByteBuffer header = ByteBuffer.wrap(out);
        header.putInt(MAGIC).putInt(ciphertexts.size()).putInt(width);
        int at = 12;
        for (BigInteger c : ciphertexts) {
            if (c.signum() < 0 || c.bitLength() > width * 8) {
                throw new IllegalArgumentException("not a ciphertext of this key");
            }
            // toByteArray may carry a leading zero sign byte; right-align the magnitude in the fixed width
            byte[] raw = c.toByteArray();
            int skip = raw.length > width ? raw.length - width : 0;
            System.arraycopy(raw, skip, out, at + width - (raw.length - skip), raw.length - skip);
            at += width;
        }
        return out;
    }

    /** The ciphertexts in {@code bytes}; refuses anything that is not a vector of this key's ciphertexts. */
    public static List<BigInteger> decode(PaillierPublicKey key, byte[] bytes) {
        if (bytes.length < 12) {
            throw new IllegalArgumentException("not a ciphertext vector");
        }
        ByteBuffer header = ByteBuffer.wrap(bytes);
        if (header.getInt() != MAGIC) {
            throw new IllegalArgumentException("not a ciphertext vector");
        }
        int count = header.getInt();
        int width = header.getInt();
        if (width != key.ciphertextBytes() || count < 0 || (long) count * width != bytes.length - 12L) {
            throw new IllegalArgumentException("ciphertext vector of " + count + " x " + width
                    + " bytes does not fit a " + key.bits() + "-bit key or its " + bytes.length + " bytes");
        }
        BigInteger n2 = key.nSquared();
        BigInteger[] out = new BigInteger[count];
        for (int i = 0; i < count; i++) {
            BigInteger c = new BigInteger(1, bytes, 12 + i * width, width);
            if (c.compareTo(n2) >= 0) {
                throw new IllegalArgumentException("value " + i + " is not below n²");
            }
            out[i] = c;
        }
        return List.of(out);
    }
}
