package io.fedflow.node.component.builtin;

import io.fedflow.node.core.FlowException;
import io.fedflow.proto.RetCode;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * FATE's {@code rsa} intersection: private set intersection with RSA blind signatures.
 *
 * <p>Each host holds its own RSA key and sends the guest (n, e) and, for each of its ids, F(sign(H(id))),
 * where H and F are the hash and final hash. The guest blinds H(id)·r^e for each of its ids, the host signs
 * them without learning what they are (r is uniform), the guest unblinds to sign(H(id)) and applies F: equal
 * ids give equal values, so the guest learns the intersection and nothing of the host's other ids (it cannot
 * sign). With {@code sync} the guest sends each host the F values of the intersection only, so a host learns
 * which of its ids are shared and never sees a guest id, plain or hashed, outside of them.
 */
final class RsaIntersection {
    static final String PUBLIC_KEY = "rsa_public_key";
    static final String HOST_IDS = "rsa_host_ids";
    static final String GUEST_BLINDED = "rsa_guest_blinded";
    static final String GUEST_SIGNED = "rsa_guest_signed";
    static final String INTERSECT_IDS = "rsa_intersect_ids";

    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * @param hash H, applied to each id (with its salt) before signing
     * @param finalHash F, applied to the signature's hex
     * @param keyLength the hosts' RSA modulus size in bits
     */
    record Settings(IdDigest hash, IdDigest finalHash, int keyLength) {}

    private RsaIntersection() {}

    /** The guest's ids shared with every host; with {@code sync} each host is told its part of them. */
    static Set<String> guest(PeerMessages peers, List<String> hosts, List<String> ids, Settings s, boolean sync) {
        Set<String> shared = new LinkedHashSet<>(ids);
        List<Map<String, String>> finalsByHost = new ArrayList<>();
        for (String host : hosts) {
            List<BigInteger> key = peers.receiveNumbers(PUBLIC_KEY, "host", host);
            if (key.size() != 2) {
                throw new FlowException(RetCode.FEDERATED_ERROR, "host " + host + " sent no RSA public key");
            }
            BigInteger n = key.get(0);
            BigInteger e = key.get(1);
            // an exponent that is huge (a multiple of the group order makes r^e = 1) or even would let the host
            // strip the blinding; honest keys have e = 65537
            if (n.bitLength() < 1024 || !e.testBit(0) || e.compareTo(BigInteger.ONE) <= 0 || e.bitLength() > 32) {
                throw new FlowException(RetCode.FEDERATED_ERROR, "host " + host + " sent an RSA key unfit for blinding"
                        + " (" + n.bitLength() + "-bit modulus, exponent " + e + ")");
            }
            // blinding factors are fresh per host: one host's signatures say nothing of another's
            BigInteger[] r = new BigInteger[ids.size()];
            List<BigInteger> blinded = IntStream.range(0, ids.size()).parallel().mapToObj(i -> {
                r[i] = unit(n);
                return toGroup(s.hash().digest(ids.get(i)), n).multiply(r[i].modPow(e, n)).mod(n);
            }).toList();
            peers.sendNumbers(GUEST_BLINDED, "host", host, blinded);

            Set<String> hostFinals = new HashSet<>(peers.receiveStrings(HOST_IDS, "host", host));
            List<BigInteger> signed = peers.receiveNumbers(GUEST_SIGNED, "host", host);
            if (signed.size() != ids.size()) {
                throw new FlowException(RetCode.FEDERATED_ERROR, "host " + host + " signed " + signed.size()
                        + " ids, " + ids.size() + " were sent");
            }
            Map<String, String> finals = new HashMap<>();
            IntStream.range(0, ids.size()).parallel().mapToObj(i -> Map.entry(ids.get(i),
                            finalHash(s, signed.get(i).multiply(r[i].modInverse(n)).mod(n))))
                    .toList().forEach(x -> finals.put(x.getKey(), x.getValue()));
            shared.removeIf(id -> !hostFinals.contains(finals.get(id)));
            finalsByHost.add(finals);
        }
        if (sync) {
            for (int h = 0; h < hosts.size(); h++) {
                Map<String, String> finals = finalsByHost.get(h);
                peers.sendStrings(INTERSECT_IDS, "host", hosts.get(h), shared.stream().map(finals::get).sorted().toList());
            }
        }
        return shared;
    }

    /** The host's ids shared with the guest, or null without {@code sync} (the host is then told nothing). */
    static Set<String> host(PeerMessages peers, String guest, List<String> ids, Settings s, boolean sync) {
        RSAPrivateCrtKey key = newKey(s.keyLength());
        BigInteger n = key.getModulus();
        peers.sendNumbers(PUBLIC_KEY, "guest", guest, List.of(n, key.getPublicExponent()));

        // sorted by value, so that the order says nothing of the host's table
        Map<String, String> idByFinal = new TreeMap<>();
        IntStream.range(0, ids.size()).parallel()
                .mapToObj(i -> Map.entry(finalHash(s, sign(key, toGroup(s.hash().digest(ids.get(i)), n))), ids.get(i)))
                .toList().forEach(x -> idByFinal.put(x.getKey(), x.getValue()));
        peers.sendStrings(HOST_IDS, "guest", guest, idByFinal.keySet());

        List<BigInteger> blinded = peers.receiveNumbers(GUEST_BLINDED, "guest", guest);
        List<BigInteger> signed = blinded.parallelStream().map(b -> {
            if (b.signum() <= 0 || b.compareTo(n) >= 0) {
                throw new FlowException(RetCode.FEDERATED_ERROR, "the guest sent a value outside the RSA group");
            }
            return sign(key, b);
        }).toList();
        peers.sendNumbers(GUEST_SIGNED, "guest", guest, signed);

        if (!sync) {
            return null;
        }
        Set<String> shared = new HashSet<>();
        for (String f : peers.receiveStrings(INTERSECT_IDS, "guest", guest)) {
            String id = idByFinal.get(f);
            if (id == null) {
                throw new FlowException(RetCode.FEDERATED_ERROR, "the guest sent an intersection value this host never sent");
            }
            shared.add(id);
        }
        return shared;
    }

    private static RSAPrivateCrtKey newKey(int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(bits, RANDOM);
            return (RSAPrivateCrtKey) g.generateKeyPair().getPrivate();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make an RSA key of " + bits + " bits", e);
        }
    }

    /** x^d mod n through the CRT: about four times faster than one exponentiation modulo n. */
    private static BigInteger sign(RSAPrivateCrtKey k, BigInteger x) {
        BigInteger p = k.getPrimeP();
        BigInteger q = k.getPrimeQ();
        BigInteger m1 = x.modPow(k.getPrimeExponentP(), p);
        BigInteger m2 = x.modPow(k.getPrimeExponentQ(), q);
        BigInteger h = k.getCrtCoefficient().multiply(m1.subtract(m2)).mod(p);
        return m2.add(h.multiply(q));
    }

    private static BigInteger toGroup(byte[] digest, BigInteger n) {
        return new BigInteger(1, digest).mod(n);
    }

    /** A uniform blinding factor invertible modulo n, so that H(id)·r^e is uniform too. */
    private static BigInteger unit(BigInteger n) {
        while (true) {
            BigInteger r = new BigInteger(n.bitLength(), RANDOM);
            if (r.compareTo(BigInteger.ONE) > 0 && r.compareTo(n) < 0 && r.gcd(n).equals(BigInteger.ONE)) {
                return r;
            }
        }
    }

    private static String finalHash(Settings s, BigInteger signature) {
        return s.finalHash().hex(signature.toString(16));
    }
}
