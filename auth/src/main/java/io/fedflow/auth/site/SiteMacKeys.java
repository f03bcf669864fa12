package io.fedflow.auth.site;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.crypto.agreement.X25519Agreement;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;

/**
 * The pairwise MAC key this site shares with each peer, derived from the two sites' Ed25519 keys alone:
 * K = HKDF-SHA256(X25519(own key as X25519, peer's key as X25519), salt and info naming both parties).
 * Both sides compute the same K without a handshake or any state, so every process of a site (one
 * database) and a restarted node agree at once; nobody else can compute it without one of the two
 * private keys.
 *
 * <p>The conversions are the standard birational map (as libsodium's
 * {@code crypto_sign_ed25519_sk_to_curve25519} / {@code _pk_to_curve25519}): the X25519 scalar is the
 * clamped first half of SHA-512 of the Ed25519 seed, the Montgomery u of a public point is (1+y)/(1-y).
 * A key is derived once per peer key and cached; a changed peer key derives a new one.
 */
public final class SiteMacKeys {
    /** Names the derivation; bump it with the canonical format. */
    public static final String CONTEXT = "fedflow site mac v1";
    public static final int KEY_BYTES = 32;

    private static final BigInteger P = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));

    private final String thisParty;
    private final X25519PrivateKeyParameters ownKey;
    private final PeerKeys peers;
    private final Map<String, Derived> byPeer = new ConcurrentHashMap<>();

    private record Derived(byte[] peerPublicKey, byte[] key) {}

    public SiteMacKeys(String thisParty, Ed25519PrivateKeyParameters ownKey, PeerKeys peers) {
        this.thisParty = thisParty;
        this.ownKey = toX25519(ownKey);
        this.peers = peers;
    }

    /** The key shared with {@code peerParty}; empty when the peer has no public key here (unknown party). */
    public Optional<byte[]> keyFor(String peerParty) {
        Optional<Ed25519PublicKeyParameters> peerKey = peers.publicKeyOf(peerParty);
        if (peerKey.isEmpty()) {
            return Optional.empty();
        }
        byte[] encoded = peerKey.get().getEncoded();
        Derived derived = byPeer.get(peerParty);
        if (derived == null || !Arrays.equals(derived.peerPublicKey(), encoded)) {
            derived = new Derived(encoded, derive(thisParty, ownKey, peerParty, peerKey.get()));
            byPeer.put(peerParty, derived);
        }
        return Optional.of(derived.key());
    }

    /** The key {@code thisParty} (private key {@code own}) shares with {@code peerParty} (public key {@code peer}). */
    public static byte[] derive(String thisParty, Ed25519PrivateKeyParameters own, String peerParty,
                                Ed25519PublicKeyParameters peer) {
        return derive(thisParty, toX25519(own), peerParty, peer);
    }

    private static byte[] derive(String thisParty, X25519PrivateKeyParameters own, String peerParty,
                                 Ed25519PublicKeyParameters peer) {
        if (thisParty.equals(peerParty)) {
            throw new IllegalArgumentException("a site shares no MAC key with itself (party " + thisParty + ")");
        }
        X25519Agreement agreement = new X25519Agreement();
        agreement.init(own);
        byte[] shared = new byte[agreement.getAgreementSize()];
        // Throws on a low-order peer point (an all-zero shared secret): such a key is refused, not used.
        agreement.calculateAgreement(toX25519(peer), shared, 0);
        // Sorted, so both sides name the pair alike; a line break cannot occur in a party id (SiteRequest).
        String low = thisParty.compareTo(peerParty) < 0 ? thisParty : peerParty;
        String high = low.equals(thisParty) ? peerParty : thisParty;
        byte[] pair = (CONTEXT + "\n" + low + "\n" + high).getBytes(StandardCharsets.UTF_8);
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(shared, pair, pair));
        byte[] key = new byte[KEY_BYTES];
        hkdf.generateBytes(key, 0, key.length);
        Arrays.fill(shared, (byte) 0);
        return key;
    }

    /** The X25519 private key of an Ed25519 one: the clamped first half of SHA-512 of its seed. */
    static X25519PrivateKeyParameters toX25519(Ed25519PrivateKeyParameters key) {
        byte[] h;
        try {
            h = MessageDigest.getInstance("SHA-512").digest(key.getEncoded());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-512", e);
        }
        byte[] scalar = Arrays.copyOf(h, X25519PrivateKeyParameters.KEY_SIZE);
        scalar[0] &= (byte) 248;
        scalar[31] &= 127;
        scalar[31] |= 64;
        Arrays.fill(h, (byte) 0);
        return new X25519PrivateKeyParameters(scalar, 0);
    }

    /** The X25519 public key of an Ed25519 one: Montgomery u = (1 + y) / (1 - y) mod 2^255 - 19. */
    static X25519PublicKeyParameters toX25519(Ed25519PublicKeyParameters key) {
        byte[] encoded = key.getEncoded();
        encoded[31] &= 127; // the top bit is the sign of x, not part of y
        BigInteger y = new BigInteger(1, reverse(encoded));
        BigInteger oneMinusY = BigInteger.ONE.subtract(y).mod(P);
        if (oneMinusY.signum() == 0) {
            throw new IllegalArgumentException("Ed25519 public key is the neutral point: no X25519 key");
        }
        BigInteger u = BigInteger.ONE.add(y).multiply(oneMinusY.modInverse(P)).mod(P);
        byte[] big = u.toByteArray();
        byte[] little = new byte[X25519PublicKeyParameters.KEY_SIZE];
        for (int i = 0; i < little.length && i < big.length; i++) {
            little[i] = big[big.length - 1 - i];
        }
        return new X25519PublicKeyParameters(little, 0);
    }

    private static byte[] reverse(byte[] bytes) {
        byte[] out = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[bytes.length - 1 - i];
        }
        return out;
    }
}
