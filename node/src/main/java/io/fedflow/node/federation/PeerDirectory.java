package io.fedflow.node.federation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.auth.site.PeerKeys;
import io.fedflow.node.wire.FateJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;

/**
 * The route table: party id to {@link Peer}, kept in a JSON file so an operator can edit it and
 * {@link #reload()} it without a restart; the admin calls change it through {@link #put} and
 * {@link #remove}, which rewrite the file atomically. The file looks like
 * <pre>{"10000": {"host": "127.0.0.1", "port": 9360, "public_key": "...", "tls": false}}</pre>
 */
public final class PeerDirectory implements PeerKeys {
    private static final ObjectMapper JSON = FateJson.MAPPER;

    private final Path file;
    private final List<Consumer<PeerDirectory>> listeners = new CopyOnWriteArrayList<>();
    private volatile Map<String, Peer> peers;
    private final Map<String, Ed25519PublicKeyParameters> parsedKeys = new ConcurrentHashMap<>();

    private PeerDirectory(Path file, Map<String, Peer> peers) {
        this.file = file;
        this.peers = peers;
    }

    /** Reads {@code file}; a missing file is an empty table. A malformed one is refused with what is wrong. */
    public static PeerDirectory load(Path file) {
        return new PeerDirectory(file, Collections.unmodifiableMap(read(file)));
    }

    public Path file() {
        return file;
    }

    public Optional<Peer> find(String partyId) {
        return Optional.ofNullable(peers.get(partyId));
    }

    /** All peers, ordered by party id. */
    public List<Peer> all() {
        return List.copyOf(peers.values());
    }

    @Override
    public Optional<Ed25519PublicKeyParameters> publicKeyOf(String partyId) {
        Peer peer = peers.get(partyId);
        if (peer == null) {
            return Optional.empty();
        }
        // Parsed once per key, not per call: BouncyCastle keeps the decoded curve point in the key object,
        // which a verification would otherwise decode again.
        return Optional.of(parsedKeys.computeIfAbsent(peer.publicKey(), k -> peer.key()));
    }

    /** Adds or replaces a peer and saves the file. */
    public synchronized void put(Peer peer) {
        Map<String, Peer> next = new TreeMap<>(peers);
        next.put(peer.partyId(), peer);
        save(next);
    }

    /**
     * Gives an existing peer a new public key and saves the file; empty if there is no such peer. One
     * step under the table's lock, so a concurrent edit of the same peer is not lost.
     */
    public synchronized Optional<Peer> replaceKey(String partyId, String publicKey) {
        Peer old = peers.get(partyId);
        if (old == null) {
            return Optional.empty();
        }
        Peer next = new Peer(old.partyId(), old.host(), old.port(), publicKey, old.tls());
        put(next);
        return Optional.of(next);
    }

    /** Removes a peer; false if there was none. */
    public synchronized boolean remove(String partyId) {
        if (!peers.containsKey(partyId)) {
            return false;
        }
        Map<String, Peer> next = new TreeMap<>(peers);
        next.remove(partyId);
        save(next);
        return true;
    }

    /** Re-reads the file; on a malformed file the table in force stays as it was. */
    public synchronized void reload() {
        peers = Collections.unmodifiableMap(read(file));
        parsedKeys.clear();
        listeners.forEach(l -> l.accept(this));
    }

    /** Called after every change (e.g. to drop the channels of changed peers). */
    public void onChange(Consumer<PeerDirectory> listener) {
        listeners.add(listener);
    }

    private void save(Map<String, Peer> next) {
        ObjectNode root = JSON.createObjectNode();
        next.forEach((id, p) -> root.putObject(id).put("host", p.host()).put("port", p.port())
                .put("public_key", p.publicKey()).put("tls", p.tls()));
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, root.toPrettyString());
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the peer table " + file, e);
        }
        peers = Collections.unmodifiableMap(new TreeMap<>(next));
        parsedKeys.clear();
        listeners.forEach(l -> l.accept(this));
    }

    private static Map<String, Peer> read(Path file) {
        if (!Files.exists(file)) {
            return new TreeMap<>();
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("peer table " + file + " is not JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("peer table " + file + " must be a JSON object keyed by party id");
        }
        Map<String, Peer> out = new TreeMap<>();
        List<String> errors = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode p = e.getValue();
            try {
                out.put(e.getKey(), new Peer(e.getKey(), p.path("host").asText(null), p.path("port").asInt(0),
                        p.path("public_key").asText(null), p.path("tls").asBoolean(false)));
            } catch (IllegalArgumentException ex) {
                errors.add(ex.getMessage());
            }
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("peer table " + file + ": " + String.join("; ", errors));
        }
        return out;
    }
}
