package io.fedflow.node.component.builtin;

import io.fedflow.node.component.FederationChannel;
import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.proto.RetCode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/**
 * A task's messages to the same component at other parties, as lists (one message per protocol phase, or per
 * chunk of a table's values, never one per id): strings and big integers, length-prefixed so that no id can
 * break the framing.
 *
 * <p>A table's values go as a run of chunks: the first under the phase's tag, the next under tag.1, tag.2 and
 * so on, each flagged with whether it is the last, so that the receiver reads them one at a time and neither
 * side holds more than one.
 */
final class PeerMessages {
    /** Waits are cut into slices so that a stopped job ends a task blocked on a party that never sends. */
    private static final Duration SLICE = Duration.ofSeconds(1);

    private final FederationChannel channel;
    private final Runnable checkCancelled;

    PeerMessages(FederationChannel channel, Runnable checkCancelled) {
        this.channel = channel;
        this.checkCancelled = checkCancelled;
    }

    /** A party of the job. */
    record Party(String role, String partyId) {}

    /** One chunk of a run: its values, and whether it is the run's last. */
    record Chunk<T>(List<T> values, boolean last) {}

    /** The tag of the {@code index}-th chunk of a run under {@code tag}. */
    static String chunkTag(String tag, int index) {
        return index == 0 ? tag : tag + "." + index;
    }

    /**
     * A run of string chunks to {@code to}, of at most {@code chunkSize} values each; {@code sorted}: each
     * chunk is sent in sorted order, so that its order says nothing of the order values were added in.
     */
    StringRun stringRun(String tag, List<Party> to, int chunkSize, boolean sorted) {
        return new StringRun(tag, to, chunkSize, sorted);
    }

    /** Reads the run of string chunks under {@code tag} from {@code from}, one chunk at a time. */
    void receiveStringRun(String tag, Party from, Consumer<List<String>> chunk) {
        boolean last = false;
        for (int i = 0; !last; i++) {
            Chunk<String> c = receiveStringChunk(chunkTag(tag, i), from);
            chunk.accept(c.values());
            last = c.last();
        }
    }

    void sendNumberChunk(String tag, int index, Party to, List<BigInteger> values, boolean last) {
        channel.send(chunkTag(tag, index), to.role(), to.partyId(), encode(values.size(), out -> {
            for (BigInteger v : values) {
                byte[] b = v.toByteArray();
                out.writeInt(b.length);
                out.write(b);
            }
            out.writeBoolean(last);
        }));
    }

    Chunk<BigInteger> receiveNumberChunk(String tag, int index, Party from) {
        List<BigInteger> out = new ArrayList<>();
        boolean last = decode(receive(chunkTag(tag, index), from.role(), from.partyId()), b -> out.add(new BigInteger(b)));
        return new Chunk<>(out, last);
    }

    private Chunk<String> receiveStringChunk(String tag, Party from) {
        List<String> out = new ArrayList<>();
        boolean last = decode(receive(tag, from.role(), from.partyId()),
                b -> out.add(new String(b, StandardCharsets.UTF_8)));
        return new Chunk<>(out, last);
    }

    /**
     * Strings sent chunk by chunk as they are added; {@link #finish} sends the last chunk (not done on a
     * failure, so that a peer never takes a cut run for a whole one).
     */
    final class StringRun {
        private final String tag;
        private final List<Party> to;
        private final int chunkSize;
        private final boolean sorted;
        private final List<String> chunk = new ArrayList<>();
        private int index;

        private StringRun(String tag, List<Party> to, int chunkSize, boolean sorted) {
            if (chunkSize < 1) {
                throw new IllegalArgumentException("a chunk holds at least one value, got " + chunkSize);
            }
            this.tag = tag;
            this.to = to;
            this.chunkSize = chunkSize;
            this.sorted = sorted;
        }

        void add(String value) {
            // a full chunk goes only once another value comes, so that the last one is known to be the last
            if (chunk.size() == chunkSize) {
                flush(false);
            }
            chunk.add(value);
        }

        void finish() {
            flush(true);
        }

        private void flush(boolean last) {
            if (sorted) {
                Collections.sort(chunk);
            }
            byte[] payload = encode(chunk.size(), out -> {
                for (String v : chunk) {
                    byte[] b = v.getBytes(StandardCharsets.UTF_8);
                    out.writeInt(b.length);
                    out.write(b);
                }
                out.writeBoolean(last);
            });
            for (Party p : to) {
                channel.send(chunkTag(tag, index), p.role(), p.partyId(), payload);
            }
            index++;
            chunk.clear();
        }
    }

    void sendStrings(String tag, String role, String party, Collection<String> values) {
        channel.send(tag, role, party, encode(values.size(), out -> {
            for (String v : values) {
                byte[] b = v.getBytes(StandardCharsets.UTF_8);
                out.writeInt(b.length);
                out.write(b);
            }
        }));
    }

    void sendNumbers(String tag, String role, String party, Collection<BigInteger> values) {
        channel.send(tag, role, party, encode(values.size(), out -> {
            for (BigInteger v : values) {
                byte[] b = v.toByteArray();
                out.writeInt(b.length);
                out.write(b);
            }
        }));
    }

    List<String> receiveStrings(String tag, String role, String party) {
        List<String> out = new ArrayList<>();
        decode(receive(tag, role, party), b -> out.add(new String(b, StandardCharsets.UTF_8)));
        return out;
    }

    List<BigInteger> receiveNumbers(String tag, String role, String party) {
        List<BigInteger> out = new ArrayList<>();
        decode(receive(tag, role, party), b -> out.add(new BigInteger(b)));
        return out;
    }

    private byte[] receive(String tag, String role, String party) {
        while (true) {
            checkCancelled.run();
            try {
                return channel.receive(tag, role, party, SLICE);
            } catch (FlowException e) {
                if (e.kind() != FailureKind.TIMED_OUT) {
                    throw e;
                }
            }
        }
    }

    private interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    private interface Item {
        void accept(byte[] bytes);
    }

    private static byte[] encode(int count, Body body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(count);
            body.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Reads the items; returns the chunk's last flag (a whole list, which has none, counts as last). */
    private static boolean decode(byte[] payload, Item item) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                int len = in.readInt();
                if (len < 0 || len > in.available()) {
                    throw new IOException("item " + i + " claims " + len + " bytes");
                }
                item.accept(in.readNBytes(len));
            }
            return in.available() == 0 || in.readBoolean();
        } catch (IOException e) {
            throw new FlowException(RetCode.FEDERATED_ERROR, "a malformed intersection message: " + e.getMessage());
        }
    }
}
