package io.fedflow.node.testing;

import io.fedflow.node.federation.TransferKey;
import io.fedflow.node.federation.TransferStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Holds a delivery in flight deterministically: a writer the test keeps open at the receiving node under
 * the key the sender will use. A message above the group commit size (or any, with group commit off)
 * holds its row in a transaction of its own, so the sender's insert of that key waits on the test's
 * transaction until it commits (the same bytes: the delivery succeeds; other bytes: it is refused) or
 * rolls back (the delivery goes on).
 */
public final class HeldTransfers {
    /** Above the default group commit size (1 MiB): the writer holds its row in a transaction of its own. */
    public static final int HELD_BYTES = (1 << 20) + 4096;

    private HeldTransfers() {}

    /** Opens a writer of {@code payload} under {@code key} at {@code node}: its row, not committed. */
    public static TransferStore.Writer hold(TestNode node, TransferKey key, byte[] payload) {
        return node.node().transfers().open(key, payload.length, sha256(payload));
    }

    /** Writes the held message's bytes and commits it. */
    public static void commit(TransferStore.Writer held, byte[] payload) {
        held.write(payload);
        held.commit();
    }

    /** Whether a session of {@code node}'s database waits for a lock on the transfer table (a held delivery). */
    public static boolean deliveryWaitsAt(TestNode node) {
        var dsl = node.node().database().dsl();
        return dsl.fetchExists(dsl.selectOne().from("pg_stat_activity").where("datname = current_database()"
                + " and wait_event_type = 'Lock' and query ilike '%t_transfer%'"));
    }

    public static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
