package io.fedflow.node.component.builtin;

import io.fedflow.node.component.builtin.Intersection.Ids;
import io.fedflow.node.component.builtin.PeerMessages.Chunk;
import io.fedflow.node.component.builtin.PeerMessages.Party;
import io.fedflow.node.component.builtin.PeerMessages.StringRun;
import io.fedflow.node.component.paillier.ParallelWork;
import io.fedflow.node.core.FlowException;
import io.fedflow.proto.RetCode;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
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
 *
 * <p>Every phase goes in chunks of the node's {@code --intersect-chunk-ids} (signed in parallel within a
 * chunk): the host's F values, the guest's blinded ids and their signatures, the intersection. Values are
 * sorted within a chunk, so a peer learns at most which chunk of the other's table (its position to within
 * a chunk) a shared id sits in.
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

    /**
     * The guest's rows (by position in {@code ids}) whose id every host has; with {@code sync} each host is
     * told its part of them. The guest keeps each host's F values as a {@link FingerprintIndex} (24 bytes a host
     * id) and blinds, sends and unblinds its own ids a chunk at a time.
     */
    static BitSet guest(PeerMessages peers, List<String> hosts, Ids ids, Settings s, boolean sync, int chunk) {
        List<Host> hs = new ArrayList<>();
        for (String host : hosts) {
            Party p = new Party("host", host);
            BigInteger[] key = publicKey(peers, p);
            hs.add(new Host(p, key[0], key[1], new FingerprintIndex(),
                    sync ? peers.stringRun(INTERSECT_IDS, List.of(p), chunk, true) : null));
        }
        for (Host h : hs) {
            peers.receiveStringRun(HOST_IDS, h.party(), finals -> finals.forEach(h.finals()::add));
            h.finals().seal();
        }
        BitSet shared = new BitSet();
        GuestChunks chunks = new GuestChunks(peers, hs, s, shared);
        List<String> buffer = new ArrayList<>();
        ids.forEach(id -> {
            // a full chunk goes only once another id comes, so that the last one is known to be the last
            if (buffer.size() == chunk) {
                chunks.round(buffer, false);
                buffer.clear();
            }
            buffer.add(id);
        });
        chunks.round(buffer, true);
        if (sync) {
            hs.forEach(h -> h.intersection().finish());
        }
        return shared;
    }

    /** A host as the guest sees it: its key, its F values, and the run telling it the intersection. */
    private record Host(Party party, BigInteger n, BigInteger e, FingerprintIndex finals, StringRun intersection) {}

    /** The guest's chunk rounds: blinded to every host, signed back, unblinded and matched. */
    private static final class GuestChunks {
        private final PeerMessages peers;
        private final List<Host> hosts;
        private final Settings s;
        private final BitSet shared;
        private int index;
        private int offset;

        GuestChunks(PeerMessages peers, List<Host> hosts, Settings s, BitSet shared) {
            this.peers = peers;
            this.hosts = hosts;
            this.s = s;
            this.shared = shared;
        }

        void round(List<String> ids, boolean last) {
            int size = ids.size();
            List<BigInteger[]> factors = new ArrayList<>();
            for (Host h : hosts) {
                // blinding factors are fresh per host: one host's signatures say nothing of another's
                BigInteger[] r = new BigInteger[size];
                List<BigInteger> blinded = ParallelWork.call(() -> IntStream.range(0, size).parallel().mapToObj(i -> {
                    r[i] = unit(h.n());
                    return toGroup(s.hash().digest(ids.get(i)), h.n()).multiply(r[i].modPow(h.e(), h.n())).mod(h.n());
                }).toList());
                factors.add(r);
                peers.sendNumberChunk(GUEST_BLINDED, index, h.party(), blinded, last);
            }
            boolean[] inAll = new boolean[size];
            Arrays.fill(inAll, true);
            List<List<String>> finals = new ArrayList<>();
            for (int k = 0; k < hosts.size(); k++) {
                Host h = hosts.get(k);
                BigInteger[] r = factors.get(k);
                List<BigInteger> signed = peers.receiveNumberChunk(GUEST_SIGNED, index, h.party()).values();
                if (signed.size() != size) {
                    throw new FlowException(RetCode.FEDERATED_ERROR, "host " + h.party().partyId() + " signed "
                            + signed.size() + " ids, " + size + " were sent");
                }
                List<String> f = ParallelWork.call(() -> IntStream.range(0, size).parallel()
                        .mapToObj(i -> finalHash(s, signed.get(i).multiply(r[i].modInverse(h.n())).mod(h.n())))
                        .toList());
                for (int i = 0; i < size; i++) {
                    inAll[i] &= h.finals().contains(f.get(i));
                }
                finals.add(f);
            }
            for (int i = 0; i < size; i++) {
                if (inAll[i]) {
                    shared.set(offset + i);
                    for (int k = 0; k < hosts.size(); k++) {
                        StringRun run = hosts.get(k).intersection();
                        if (run != null) {
                            run.add(finals.get(k).get(i));
                        }
                    }
                }
            }
            offset += size;
            index++;
        }
    }

    private static BigInteger[] publicKey(PeerMessages peers, Party host) {
        List<BigInteger> key = peers.receiveNumbers(PUBLIC_KEY, host.role(), host.partyId());
        if (key.size() != 2) {
            throw new FlowException(RetCode.FEDERATED_ERROR, "host " + host.partyId() + " sent no RSA public key");
        }
        BigInteger n = key.get(0);
        BigInteger e = key.get(1);
        // an exponent that is huge (a multiple of the group order makes r^e = 1) or even would let the host
        // strip the blinding; honest keys have e = 65537
        if (n.bitLength() < 1024 || !e.testBit(0) || e.compareTo(BigInteger.ONE) <= 0 || e.bitLength() > 32) {
            throw new FlowException(RetCode.FEDERATED_ERROR, "host " + host.partyId() + " sent an RSA key unfit for "
                    + "blinding (" + n.bitLength() + "-bit modulus, exponent " + e + ")");
        }
        return new BigInteger[] {n, e};
    }

    /**
     * The host's rows whose id the guest has, or null without {@code sync} (the host is then told nothing).
     * It signs its own ids and the guest's blinded ones a chunk at a time; with {@code sync} it keeps its F
     * values as a {@link FingerprintIndex} to find the rows the guest names.
     */
    static BitSet host(PeerMessages peers, String guest, Ids ids, Settings s, boolean sync, int chunk) {
        Party g = new Party("guest", guest);
        RSAPrivateCrtKey key = newKey(s.keyLength());
        BigInteger n = key.getModulus();
        peers.sendNumbers(PUBLIC_KEY, g.role(), g.partyId(), List.of(n, key.getPublicExponent()));

        FingerprintIndex own = sync ? new FingerprintIndex() : null;
        // each chunk sorted by value, so that the order within it says nothing of the host's table
        StringRun run = peers.stringRun(HOST_IDS, List.of(g), chunk, true);
        List<String> buffer = new ArrayList<>();
        Runnable signBuffer = () -> {
            List<String> finals = ParallelWork.call(() -> buffer.parallelStream()
                    .map(id -> finalHash(s, sign(key, toGroup(s.hash().digest(id), n)))).toList());
            for (String f : finals) {
                run.add(f);
                if (own != null) {
                    own.add(f);
                }
            }
            buffer.clear();
        };
        ids.forEach(id -> {
            buffer.add(id);
            if (buffer.size() == chunk) {
                signBuffer.run();
            }
        });
        signBuffer.run();
        run.finish();

        boolean last = false;
        for (int index = 0; !last; index++) {
            Chunk<BigInteger> blinded = peers.receiveNumberChunk(GUEST_BLINDED, index, g);
            List<BigInteger> signed = ParallelWork.call(() -> blinded.values().parallelStream().map(b -> {
                if (b.signum() <= 0 || b.compareTo(n) >= 0) {
                    throw new FlowException(RetCode.FEDERATED_ERROR, "the guest sent a value outside the RSA group");
                }
                return sign(key, b);
            }).toList());
            last = blinded.last();
            peers.sendNumberChunk(GUEST_SIGNED, index, g, signed, last);
        }

        if (own == null) {
            return null;
        }
        own.seal();
        BitSet shared = new BitSet(own.size());
        peers.receiveStringRun(INTERSECT_IDS, g, finals -> finals.forEach(f -> {
            boolean[] known = {false};
            own.forEachMatch(f, p -> {
                known[0] = true;
                shared.set(p);
            });
            if (!known[0]) {
                throw new FlowException(RetCode.FEDERATED_ERROR, "the guest sent an intersection value this host never sent");
            }
        }));
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
