package io.fedflow.auth.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

/** The MAC each thread makes with its reused HMAC is HMAC-SHA256 as a fresh one makes it, whatever keys alternate. */
class SiteMacTest {
    private static final SiteRequest REQUEST = SiteRequest.of("fedflow.v1.PartyService/Ping", "9999", "10000",
            1_700_000_000_000L, "q83vEjRWeJq83vEjRWeJqw", "hello".getBytes(StandardCharsets.UTF_8));

    @Test
    void keysAlternatingOnOneThreadEachGiveTheirOwnHmac() {
        byte[] a = key();
        byte[] b = key();
        for (byte[] k : List.of(a, b, a, a, b)) {
            assertThat(SiteMac.of(k, REQUEST)).isEqualTo(freshHmac(k, REQUEST.canonicalBytes()));
            assertThat(SiteMac.matches(k, REQUEST, SiteMac.of(k, REQUEST))).isTrue();
        }
        assertThat(SiteMac.matches(b, REQUEST, SiteMac.of(a, REQUEST))).isFalse();
    }

    @Test
    void aKeyChangedInPlaceIsNotMistakenForTheOneBefore() {
        byte[] k = key();
        String before = SiteMac.of(k, REQUEST);
        k[0] ^= 1;
        assertThat(SiteMac.of(k, REQUEST)).isNotEqualTo(before).isEqualTo(freshHmac(k, REQUEST.canonicalBytes()));
    }

    @Test
    void defaultNoncesAreFreshAndWellFormedOnEveryThread() throws Exception {
        SiteCallSigner signer = new SiteCallSigner("9999", r -> "unused", r -> Optional.of("mac"));
        Set<String> nonces = ConcurrentHashMap.newKeySet();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                try {
                    for (int i = 0; i < 500; i++) {
                        nonces.add(signer.headersFor("m", "10000", new byte[0]).nonce());
                    }
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(failures).isEmpty();
        assertThat(nonces).hasSize(2_000);
        Pattern base64Url128Bits = Pattern.compile("[A-Za-z0-9_-]{22}");
        assertThat(new HashSet<>(nonces)).allMatch(n -> base64Url128Bits.matcher(n).matches());
    }

    private static byte[] key() {
        byte[] k = new byte[SiteMacKeys.KEY_BYTES];
        new SecureRandom().nextBytes(k);
        return k;
    }

    private static String freshHmac(byte[] key, byte[] message) {
        HMac h = new HMac(new SHA256Digest());
        h.init(new KeyParameter(key));
        h.update(message, 0, message.length);
        byte[] out = new byte[32];
        h.doFinal(out, 0);
        return Base64.getEncoder().encodeToString(out);
    }
}
