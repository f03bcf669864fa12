package io.fedflow.node.component.builtin;

import io.fedflow.node.core.FlowException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A party's rows as HeteroLR reads them: a pass over the table in id order (the same order at every party),
 * cut into the guest's mini-batches and each batch into chunks of at most the agreed number of rows. A chunk
 * is the unit of every per-row message and of every per-row value a party holds, so memory follows the chunk
 * size, not the table's.
 */
final class ChunkedRows {
    /** Bytes of a chunk's id digest (SHA-256), which every per-row message carries ahead of its values. */
    static final int ID_DIGEST_BYTES = 32;

    private ChunkedRows() {}

    /** A party's rows, read from the first on each pass, ordered by id. */
    interface PartyRows {
        /** Rows of the table, as counted when it was written. */
        long count();

        /** Features per row. */
        int width();

        /** Pushes every row, ordered by id. */
        void scan(RowConsumer rows);

        /** Rows held in memory, already ordered by id; {@code y} may be null (a party without labels). */
        static PartyRows of(List<String> ids, double[][] x, double[] y) {
            return new PartyRows() {
                @Override
                public long count() {
                    return ids.size();
                }

                @Override
                public int width() {
                    return x.length == 0 ? 0 : x[0].length;
                }

                @Override
                public void scan(RowConsumer rows) {
                    try {
                        for (int i = 0; i < ids.size(); i++) {
                            rows.row(ids.get(i), y == null ? Double.NaN : y[i], x[i]);
                        }
                    } catch (RuntimeException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            };
        }
    }

    /**
     * {@code source} read once and held, when it has at most {@code maxRows} rows: every pass after the first
     * replays the rows from memory instead of scanning and parsing the table again (HeteroLR makes a pass per
     * iteration). With the chunk cap as {@code maxRows} a party so holds no more rows than one chunk of a larger
     * table; a larger table is read afresh on each pass, as the source does. A first pass that fails, or ends
     * early, keeps nothing. The rows' feature arrays are held as the source handed them, and must not change.
     */
    static PartyRows held(PartyRows source, long maxRows) {
        if (source.count() > maxRows) {
            return source;
        }
        return new PartyRows() {
            private List<String> ids;
            private double[] labels;
            private double[][] x;

            @Override
            public long count() {
                return source.count();
            }

            @Override
            public int width() {
                return source.width();
            }

            @Override
            public void scan(RowConsumer rows) {
                if (ids != null) {
                    try {
                        for (int i = 0; i < x.length; i++) {
                            rows.row(ids.get(i), labels[i], x[i]);
                        }
                    } catch (RuntimeException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    return;
                }
                // count() is what the table was written with: a source that yields more is not held (the pass
                // itself refuses it), nor one that stops short
                int cap = (int) maxRows;
                ArrayList<String> seenIds = new ArrayList<>();
                double[] seenLabels = new double[(int) Math.min(cap, source.count())];
                double[][] seenX = new double[seenLabels.length][];
                source.scan((id, label, features) -> {
                    int i = seenIds.size();
                    if (i < seenLabels.length) {
                        seenLabels[i] = label;
                        seenX[i] = features;
                    }
                    seenIds.add(id);
                    rows.row(id, label, features);
                });
                if (seenIds.size() == seenLabels.length) {
                    ids = List.copyOf(seenIds);
                    labels = seenLabels;
                    x = seenX;
                }
            }
        };
    }

    /** Receives one row: its id, its label (NaN without one) and its features. */
    @FunctionalInterface
    interface RowConsumer {
        void row(String id, double label, double[] x) throws Exception;
    }

    /**
     * How the guest cuts the rows, sent to every party: batches of {@code batchRows} (the last may be
     * shorter), each read in chunks of at most {@code chunkRows}. A chunk never spans two batches.
     */
    record Plan(long rows, long batchRows, int chunkRows) {
        Plan {
            if (rows < 0 || batchRows < 1 || chunkRows < 1) {
                throw FlowException.data("a HeteroLR plan of " + rows + " rows in batches of " + batchRows
                        + " and chunks of " + chunkRows + " rows");
            }
        }

        /** All rows as one batch (scoring). */
        static Plan whole(long rows, int chunkRows) {
            return new Plan(rows, Math.max(1, rows), chunkRows);
        }

        long batches() {
            return (rows + batchRows - 1) / batchRows;
        }

        /** Rows of batch {@code b}. */
        long batchSize(long b) {
            return Math.min(rows, (b + 1) * batchRows) - b * batchRows;
        }

        /** Rows of the largest chunk. */
        int largestChunk() {
            return (int) Math.min(chunkRows, batchRows);
        }

        byte[] encode() {
            return EncryptedAlgebra.encodeDoubles(new double[] {rows, batchRows, chunkRows});
        }

        static Plan decode(byte[] bytes) {
            double[] v = EncryptedAlgebra.decodeDoubles(bytes);
            if (v.length != 3) {
                throw FlowException.data("a HeteroLR plan of " + v.length + " values, not 3");
            }
            return new Plan((long) v[0], (long) v[1], (int) v[2]);
        }
    }

    /**
     * Consecutive rows of one batch, in id order: the {@code index}-th chunk of batch {@code batch}, the batch's
     * {@code last} one or not; {@code y} holds NaN where the party has no labels.
     */
    record Chunk(long batch, int index, boolean last, List<String> ids, double[][] x, double[] y, byte[] idDigest) {
        int size() {
            return ids.size();
        }

        /** The chunk's place in iteration {@code t}, as message tags name it. */
        String at(int t) {
            return t + "." + batch + "." + index;
        }
    }

    /** Takes the chunks of a pass in order. */
    @FunctionalInterface
    interface ChunkHandler {
        void chunk(Chunk chunk) throws Exception;
    }

    /** One pass over {@code rows}: hands each chunk to {@code handler} as soon as its last row is read. */
    static void pass(PartyRows rows, Plan plan, ChunkHandler handler) {
        Cutter cutter = new Cutter(plan, rows.width(), handler);
        rows.scan(cutter);
        if (cutter.seen != plan.rows()) {
            throw FlowException.data("the table has " + cutter.seen + " rows, not the " + plan.rows() + " it counted");
        }
    }

    /** The digest of a chunk's ids (each followed by a newline, so that no two lists of ids share one). */
    static byte[] digest(List<String> ids) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String id : ids) {
                md.update(id.getBytes(StandardCharsets.UTF_8));
                md.update((byte) '\n');
            }
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A per-row message: the chunk's id digest, then {@code body}. */
    static byte[] frame(Chunk chunk, byte[] body) {
        byte[] out = Arrays.copyOf(chunk.idDigest(), ID_DIGEST_BYTES + body.length);
        System.arraycopy(body, 0, out, ID_DIGEST_BYTES, body.length);
        return out;
    }

    /** The body of a per-row message from {@code sender}, once its ids are checked to be the chunk's. */
    static byte[] unframe(byte[] payload, Chunk chunk, String sender) {
        if (payload.length < ID_DIGEST_BYTES
                || !Arrays.equals(payload, 0, ID_DIGEST_BYTES, chunk.idDigest(), 0, ID_DIGEST_BYTES)) {
            throw FlowException.data("the rows " + sender + " sent for chunk " + chunk.index() + " of batch "
                    + chunk.batch() + " are not this party's: HeteroLR needs the same rows at every party (put an"
                    + " Intersection before it)");
        }
        return Arrays.copyOfRange(payload, ID_DIGEST_BYTES, payload.length);
    }

    /** Collects rows into the chunk being filled and hands it on at its end. */
    private static final class Cutter implements RowConsumer {
        private final Plan plan;
        private final int width;
        private final ChunkHandler handler;
        private long seen;
        private long batch;
        private long batchEnd;
        private int index;
        private String[] ids;
        private double[][] x;
        private double[] y;
        private int fill;

        Cutter(Plan plan, int width, ChunkHandler handler) {
            this.plan = plan;
            this.width = width;
            this.handler = handler;
            this.batchEnd = plan.batchSize(0);
            startChunk();
        }

        private void startChunk() {
            int size = (int) Math.min(plan.chunkRows(), batchEnd - seen);
            ids = new String[size];
            x = new double[size][];
            y = new double[size];
            fill = 0;
        }

        @Override
        public void row(String id, double label, double[] features) throws Exception {
            if (seen == plan.rows()) {
                throw FlowException.data("the table has more rows than the " + plan.rows() + " it counted");
            }
            if (features.length != width) {
                throw FlowException.data("row " + id + " has " + features.length + " features, not " + width);
            }
            ids[fill] = id;
            x[fill] = features;
            y[fill] = label;
            fill++;
            seen++;
            if (fill < ids.length) {
                return;
            }
            boolean last = seen == batchEnd;
            List<String> chunkIds = List.of(ids);
            handler.chunk(new Chunk(batch, index, last, chunkIds, x, y, digest(chunkIds)));
            if (last) {
                batch++;
                index = 0;
                batchEnd = Math.min(plan.rows(), batchEnd + plan.batchRows());
            } else {
                index++;
            }
            if (seen < plan.rows()) {
                startChunk();
            }
        }
    }
}
