package io.fedflow.auth.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.junit.jupiter.api.Test;

class SiteMacKeysTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    private static Ed25519PrivateKeyParameters newKey() {
        return new Ed25519PrivateKeyParameters(RANDOM);
    }

    @Test
    void anEd25519PublicKeyConvertsToTheX25519PublicKeyOfItsPrivateKey() {
        for (int i = 0; i < 64; i++) {
            Ed25519PrivateKeyParameters key = newKey();
            assertThat(SiteMacKeys.toX25519(key.generatePublicKey()).getEncoded())
                    .isEqualTo(SiteMacKeys.toX25519(key).generatePublicKey().getEncoded());
        }
    }

    @Test
    void bothSitesOfAPairDeriveTheSameKey() {
        for (int i = 0; i < 64; i++) {
            Ed25519PrivateKeyParameters a = newKey();
            Ed25519PrivateKeyParameters b = newKey();
            String partyA = Integer.toString(RANDOM.nextInt(1_000_000));
            String partyB = partyA + RANDOM.nextInt(10);
            byte[] atA = SiteMacKeys.derive(partyA, a, partyB, b.generatePublicKey());
            byte[] atB = SiteMacKeys.derive(partyB, b, partyA, a.generatePublicKey());
            assertThat(atA).hasSize(SiteMacKeys.KEY_BYTES).isEqualTo(atB);
        }
    }

    @Test
    void differentPairsDeriveDifferentKeys() {
        Ed25519PrivateKeyParameters a = newKey();
        Ed25519PrivateKeyParameters b = newKey();
        Ed25519PrivateKeyParameters c = newKey();
        byte[] ab = SiteMacKeys.derive("9999", a, "10000", b.generatePublicKey());
        byte[] ac = SiteMacKeys.derive("9999", a, "10001", c.generatePublicKey());
        byte[] bc = SiteMacKeys.derive("10000", b, "10001", c.generatePublicKey());
        assertThat(ab).isNotEqualTo(ac).isNotEqualTo(bc);
        assertThat(ac).isNotEqualTo(bc);
        // the same keys under other party ids give another key: the ids are part of the derivation
        assertThat(SiteMacKeys.derive("9998", a, "10000", b.generatePublicKey())).isNotEqualTo(ab);
    }

    @Test
    void aPeersChangedKeyDerivesANewKeyAndAnUnknownPeerHasNone() {
        Ed25519PrivateKeyParameters own = newKey();
        Ed25519PrivateKeyParameters first = newKey();
        Ed25519PrivateKeyParameters second = newKey();
        Map<String, Ed25519PublicKeyParameters> table = new HashMap<>(Map.of("10000", first.generatePublicKey()));
        SiteMacKeys keys = new SiteMacKeys("9999", own, party -> Optional.ofNullable(table.get(party)));
        byte[] before = keys.keyFor("10000").orElseThrow();
        assertThat(keys.keyFor("10000").orElseThrow()).isSameAs(before);
        table.put("10000", second.generatePublicKey());
        assertThat(keys.keyFor("10000").orElseThrow()).isNotEqualTo(before)
                .isEqualTo(SiteMacKeys.derive("10000", second, "9999", own.generatePublicKey()));
        assertThat(keys.keyFor("12345")).isEmpty();
    }

    @Test
    void aSiteSharesNoKeyWithItself() {
        Ed25519PrivateKeyParameters a = newKey();
        assertThatThrownBy(() -> SiteMacKeys.derive("9999", a, "9999", a.generatePublicKey()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("itself");
    }

    @Test
    void aMacChecksOnlyUnderItsKeyAndOverItsRequest() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        SiteRequest request = SiteRequest.of("fedflow.v1.PartyService/Ping", "9999", "10000", 1L, "n".repeat(22),
                new byte[] {1, 2, 3});
        String mac = SiteMac.of(key, request);
        assertThat(SiteMac.matches(key, request, mac)).isTrue();
        byte[] other = key.clone();
        other[0] ^= 1;
        assertThat(SiteMac.matches(other, request, mac)).isFalse();
        SiteRequest changed = SiteRequest.of("fedflow.v1.PartyService/Ping", "9999", "10000", 1L, "n".repeat(22),
                new byte[] {1, 2, 4});
        assertThat(SiteMac.matches(key, changed, mac)).isFalse();
        assertThat(SiteMac.matches(key, request, "%%%")).isFalse();
        assertThat(SiteMac.matches(key, request, mac.substring(0, 20))).isFalse();
    }

    @Test
    void aLowOrderPeerKeyNeverReachesTheDerivation() {
        // The neutral point (y = 1) would make an all-zero X25519 secret; BouncyCastle refuses it as a key,
        // so neither the route table nor the derivation ever holds one.
        byte[] neutral = new byte[32];
        neutral[0] = 1;
        assertThatThrownBy(() -> new Ed25519PublicKeyParameters(neutral, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SiteKeys.parsePublicKeyBase64(Base64.getEncoder().encodeToString(neutral)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
