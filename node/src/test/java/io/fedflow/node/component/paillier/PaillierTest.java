package io.fedflow.node.component.paillier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PaillierTest {
    static PaillierKeyPair keys;
    static PaillierEncryptor enc;
    static FixedPoint fp;

    @BeforeAll
    static void keys() {
        keys = PaillierKeyPair.generate(1024, new SecureRandom());
        enc = new PaillierEncryptor(keys.privateKey(), new SecureRandom());
        fp = new FixedPoint(keys.publicKey());
    }

    @Test
    void generatedKeyHasTheRequestedSize() {
        assertThat(keys.publicKey().bits()).isEqualTo(1024);
        assertThat(keys.publicKey().ciphertextBytes()).isEqualTo(256);
    }

    @Test
    void decryptsWhatItEncryptsIncludingZeroAndTheLargestPlaintext() {
        BigInteger n = keys.publicKey().n();
        for (BigInteger m : List.of(BigInteger.ZERO, BigInteger.ONE, BigInteger.valueOf(123456789),
                n.subtract(BigInteger.ONE), new BigInteger(1000, new Random(1)))) {
            assertThat(keys.privateKey().decrypt(enc.encrypt(m))).isEqualTo(m);
        }
    }

    @Test
    void encryptionIsRandomised() {
        assertThat(enc.encrypt(1)).isNotEqualTo(enc.encrypt(1));
    }

    @Test
    void anEncryptorWithOnlyThePublicKeyMakesCiphertextsTheOwnerDecrypts() {
        PaillierEncryptor publicOnly = new PaillierEncryptor(keys.publicKey(), new SecureRandom());
        BigInteger sum = keys.publicKey().add(publicOnly.encrypt(40), enc.encrypt(2));
        assertThat(keys.privateKey().decrypt(sum)).isEqualTo(BigInteger.valueOf(42));
    }

    @Test
    void bothEncryptorsObfuscateWithHToTheXAsModPowComputesIt() {
        BigInteger n2 = keys.publicKey().nSquared();
        int bits = (keys.publicKey().bits() + 1) / 2;
        Random random = new Random(11);
        List<BigInteger> exponents = new ArrayList<>(List.of(BigInteger.ZERO, BigInteger.ONE, BigInteger.valueOf(256),
                BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE), BigInteger.ONE.shiftLeft(bits - 1),
                new BigInteger("ff00ff0000ff", 16)));
        for (int i = 0; i < 40; i++) {
            exponents.add(new BigInteger(random.nextInt(bits) + 1, random));
        }
        PaillierEncryptor publicOnly = new PaillierEncryptor(keys.publicKey(), new SecureRandom());
        for (PaillierEncryptor e : List.of(enc, publicOnly)) {
            for (BigInteger x : exponents) {
                assertThat(e.obfuscator(x)).as("h^%s", x).isEqualTo(e.base().modPow(x, n2));
            }
        }
    }

    @Test
    void anObfuscatorExponentOutsideTheTableIsRefused() {
        int bits = (keys.publicKey().bits() + 1) / 2;
        assertThatThrownBy(() -> enc.obfuscator(BigInteger.ONE.shiftLeft(bits)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exponent");
        assertThatThrownBy(() -> enc.obfuscator(BigInteger.valueOf(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
    }

    @Test
    void addIsTheProductModNSquaredForCiphertextsAndForAnyOtherValue() {
        PaillierPublicKey pub = keys.publicKey();
        BigInteger n2 = pub.nSquared();
        BigInteger top = n2.subtract(BigInteger.ONE);
        Random random = new Random(7);
        List<BigInteger> values = new ArrayList<>(List.of(BigInteger.ZERO, BigInteger.ONE, top, n2,
                n2.add(BigInteger.TEN), BigInteger.valueOf(-3), top.negate()));
        for (int i = 0; i < 200; i++) {
            values.add(new BigInteger(n2.bitLength(), random).mod(n2));
        }
        for (int i = 0; i < values.size(); i++) {
            BigInteger a = values.get(i);
            BigInteger b = values.get((i * 31 + 5) % values.size());
            assertThat(pub.add(a, b)).isEqualTo(a.multiply(b).mod(n2));
        }
    }

    @Test
    void negativeNumbersRoundTripThroughTheUpperHalf() {
        BigInteger c = enc.encrypt(-42);
        assertThat(fp.signed(keys.privateKey().decrypt(c))).isEqualTo(BigInteger.valueOf(-42));
    }

    @Test
    void homomorphicSumOfLabelsEqualsTheirCount() {
        Random r = new Random(7);
        PaillierPublicKey pub = keys.publicKey();
        BigInteger sum = pub.zero();
        long expected = 0;
        for (int i = 0; i < 500; i++) {
            int label = r.nextInt(2);
            expected += label;
            sum = pub.add(sum, enc.encrypt(label));
        }
        assertThat(keys.privateKey().decrypt(sum)).isEqualTo(BigInteger.valueOf(expected));
    }

    @Test
    void fixedPointRoundTripAndSumsOfMixedSigns() {
        double[] xs = {0.0, 1.5, -2.25, 1e-9, -123456.789, 3.141592653589793, 1e12};
        BigInteger sum = keys.publicKey().zero();
        double expected = 0;
        for (double x : xs) {
            assertThat(fp.decode(keys.privateKey().decrypt(enc.encrypt(fp.encode(x))))).isCloseTo(x, within(1e-15
                    * Math.max(1, Math.abs(x))));
            sum = keys.publicKey().add(sum, enc.encrypt(fp.encode(x)));
            expected += x;
        }
        assertThat(fp.decode(keys.privateKey().decrypt(sum))).isCloseTo(expected, within(1e-6));
    }

    @Test
    void scalarProductsWithIntegersAndEncodedDoubles() {
        PaillierPublicKey pub = keys.publicKey();
        BigInteger c = enc.encrypt(fp.encode(-1.75));
        assertThat(fp.decode(keys.privateKey().decrypt(pub.multiply(c, BigInteger.valueOf(4))))).isEqualTo(-7.0);
        assertThat(fp.decode(keys.privateKey().decrypt(pub.multiply(c, BigInteger.valueOf(-2))))).isEqualTo(3.5);
        assertThat(fp.decodeProduct(keys.privateKey().decrypt(pub.multiply(c, fp.encode(0.5)))))
                .isCloseTo(-0.875, within(1e-12));
        // a dot product: sum of E(x_i)^w_i
        double[] x = {0.5, -1.0, 2.0};
        double[] w = {0.25, 3.0, -0.125};
        BigInteger dot = pub.zero();
        for (int i = 0; i < x.length; i++) {
            dot = pub.add(dot, pub.multiply(enc.encrypt(fp.encode(x[i])), fp.encode(w[i])));
        }
        assertThat(fp.decodeProduct(keys.privateKey().decrypt(dot))).isCloseTo(0.125 - 3.0 - 0.25, within(1e-12));
    }

    @Test
    void ciphertextVectorsSerialiseAtFixedWidthAndRoundTrip() {
        List<BigInteger> cs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            cs.add(enc.encrypt(i));
        }
        cs.add(BigInteger.ONE); // a tiny value still takes the full width
        byte[] bytes = CiphertextVector.encode(keys.publicKey(), cs);
        assertThat(bytes).hasSize(12 + 11 * 256);
        assertThat(CiphertextVector.decode(keys.publicKey(), bytes)).isEqualTo(cs);
    }

    @Test
    void refusesBytesThatAreNotACiphertextVectorOfTheKey() {
        byte[] bytes = CiphertextVector.encode(keys.publicKey(), List.of(enc.encrypt(1)));
        PaillierPublicKey other = PaillierKeyPair.generate(512, new SecureRandom()).publicKey();
        assertThatThrownBy(() -> CiphertextVector.decode(other, bytes)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CiphertextVector.decode(keys.publicKey(), "0,1,1,0".getBytes()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a2048BitKeyWorksToo() {
        PaillierKeyPair big = PaillierKeyPair.generate(2048, new SecureRandom());
        PaillierEncryptor e = new PaillierEncryptor(big.publicKey(), new SecureRandom());
        BigInteger sum = big.publicKey().add(e.encrypt(5), e.encrypt(-8));
        assertThat(new FixedPoint(big.publicKey()).signed(big.privateKey().decrypt(sum))).isEqualTo(BigInteger
                .valueOf(-3));
    }
}
