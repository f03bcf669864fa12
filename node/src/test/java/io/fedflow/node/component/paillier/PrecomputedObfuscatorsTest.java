package io.fedflow.node.component.paillier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Obfuscators drawn ahead by a background thread: never more held than the capacity, each handed out once,
 * the caller computing its own when none is ready, and the thread gone once closed; an encryptor using them
 * makes ordinary ciphertexts.
 */
class PrecomputedObfuscatorsTest {
    @Test
    void holdsAtMostItsCapacityHandsEachValueOutOnceAndStopsWhenClosed() {
        AtomicLong drawn = new AtomicLong();
        PrecomputedObfuscators pool = new PrecomputedObfuscators(() -> BigInteger.valueOf(drawn.incrementAndGet()), 3,
                Long.MAX_VALUE);
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> pool.available() == 3);
            // three held, a fourth drawn and waiting for room: the thread blocks there
            await().atMost(Duration.ofSeconds(30)).until(() -> drawn.get() == 4);
            assertThat(pool.available()).isEqualTo(3);
            List<BigInteger> taken = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                taken.add(pool.next());
            }
            assertThat(new HashSet<>(taken)).hasSize(10);
            assertThat(taken.subList(0, 3)).containsExactly(BigInteger.ONE, BigInteger.TWO, BigInteger.valueOf(3));
        } finally {
            pool.close();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> !pool.running());
        assertThat(pool.available()).isZero();
        // closed, it still answers: the caller computes its own
        long before = drawn.get();
        assertThat(pool.next()).isEqualTo(BigInteger.valueOf(before + 1));
    }

    @Test
    void makesNoMoreThanItsBudgetAheadThenLeavesTheCallersToComputeTheirOwn() {
        AtomicLong drawn = new AtomicLong();
        PrecomputedObfuscators pool = new PrecomputedObfuscators(() -> BigInteger.valueOf(drawn.incrementAndGet()), 3,
                6);
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> pool.available() == 3);
            assertThat(List.of(pool.next(), pool.next())).containsExactly(BigInteger.ONE, BigInteger.TWO);
            // two more made ahead fill the queue again; the sixth and last waits for room
            await().atMost(Duration.ofSeconds(30)).until(() -> drawn.get() == 6);
            assertThat(pool.next()).isEqualTo(BigInteger.valueOf(3));
            await().atMost(Duration.ofSeconds(30)).until(() -> pool.available() == 3);
            // the budget is spent: the thread has ended, and a caller computes its own once the queue is empty
            await().atMost(Duration.ofSeconds(30)).until(() -> !pool.running());
            assertThat(List.of(pool.next(), pool.next(), pool.next()))
                    .containsExactly(BigInteger.valueOf(4), BigInteger.valueOf(5), BigInteger.valueOf(6));
            assertThat(pool.next()).isEqualTo(BigInteger.valueOf(7));
            assertThat(pool.available()).isZero();
        } finally {
            pool.close();
        }
    }

    @Test
    void aBudgetOfNoneMakesNothingAheadAndANegativeOneIsRefused() {
        PrecomputedObfuscators none = new PrecomputedObfuscators(() -> BigInteger.TEN, 4, 0);
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> !none.running());
            assertThat(none.available()).isZero();
            assertThat(none.next()).isEqualTo(BigInteger.TEN);
        } finally {
            none.close();
        }
        assertThatThrownBy(() -> new PrecomputedObfuscators(() -> BigInteger.ONE, 1, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("budget");
        PaillierPublicKey key = PaillierKeyPair.generate(512, new SecureRandom()).publicKey();
        assertThatThrownBy(() -> new PaillierEncryptor(key, new SecureRandom()).precomputing(4, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("budget");
    }

    @Test
    void aPrecomputingEncryptorMakesCiphertextsTheOwnerDecryptsAndStopsItsThreadWhenClosed() {
        PaillierKeyPair keys = PaillierKeyPair.generate(512, new SecureRandom());
        PaillierPublicKey peerKey = new PaillierPublicKey(keys.publicKey().n());
        PaillierEncryptor plain = new PaillierEncryptor(peerKey, new SecureRandom());
        PaillierEncryptor enc = plain.precomputing(8);
        try (enc) {
            await().atMost(Duration.ofSeconds(30)).until(() -> enc.precomputedCount() == 8);
            List<BigInteger> cs = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                cs.add(enc.encrypt(i - 10));
            }
            FixedPoint fp = new FixedPoint(peerKey);
            for (int i = 0; i < 20; i++) {
                assertThat(fp.signed(keys.privateKey().decrypt(cs.get(i)))).isEqualTo(BigInteger.valueOf(i - 10));
            }
            assertThat(new HashSet<>(cs)).hasSize(20);
            assertThat(enc.encrypt(5)).isNotEqualTo(enc.encrypt(5));
        }
        assertThat(enc.precomputedCount()).isZero();
        assertThat(plain.precomputing(0)).isSameAs(plain);
        assertThat(plain.precomputedCount()).isZero();
    }

    @Test
    void aNegativeCapacityIsRefused() {
        PaillierPublicKey key = PaillierKeyPair.generate(512, new SecureRandom()).publicKey();
        assertThatThrownBy(() -> new PaillierEncryptor(key, new SecureRandom()).precomputing(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("capacity");
    }
}
