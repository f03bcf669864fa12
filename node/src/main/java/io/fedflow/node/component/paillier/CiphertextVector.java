package io.fedflow.node.component.paillier;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.Arrays;
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
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(12 + width * ciphertexts.size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(ciphertexts.size());
            out.writeInt(width);
            byte[] buf = new byte[width];
            for (BigInteger c : ciphertexts) {
                if (c.signum() < 0 || c.bitLength() > width * 8) {
                    throw new IllegalArgumentException("not a ciphertext of this key");
                }
                // toByteArray may carry a leading zero sign byte; right-align the magnitude in the fixed width
                byte[] raw = c.toByteArray();
                int skip = raw.length > width ? raw.length - width : 0;
                Arrays.fill(buf, (byte) 0);
                System.arraycopy(raw, skip, buf, width - (raw.length - skip), raw.length - skip);
                out.write(buf);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The ciphertexts in {@code bytes}; refuses anything that is not a vector of this key's ciphertexts. */
    public static List<BigInteger> decode(PaillierPublicKey key, byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (bytes.length < 12 || in.readInt() != MAGIC) {
                throw new IllegalArgumentException("not a ciphertext vector");
            }
            int count = in.readInt();
            int width = in.readInt();
            if (width != key.ciphertextBytes() || count < 0 || (long) count * width != bytes.length - 12L) {
                throw new IllegalArgumentException("ciphertext vector of " + count + " x " + width
                        + " bytes does not fit a " + key.bits() + "-bit key or its " + bytes.length + " bytes");
            }
            BigInteger n2 = key.nSquared();
            BigInteger[] out = new BigInteger[count];
            byte[] buf = new byte[width];
            for (int i = 0; i < count; i++) {
                in.readFully(buf);
                BigInteger c = new BigInteger(1, buf);
                if (c.compareTo(n2) >= 0) {
                    throw new IllegalArgumentException("value " + i + " is not below n²");
                }
                out[i] = c;
            }
            return List.of(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
