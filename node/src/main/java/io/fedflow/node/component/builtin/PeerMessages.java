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
import java.util.List;

/**
 * A task's messages to the same component at other parties, as whole lists (one message per protocol phase,
 * never one per id): strings and big integers, length-prefixed so that no id can break the framing.
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

    private static void decode(byte[] payload, Item item) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                int len = in.readInt();
                if (len < 0 || len > in.available()) {
                    throw new IOException("item " + i + " claims " + len + " bytes");
                }
                item.accept(in.readNBytes(len));
            }
        } catch (IOException e) {
            throw new FlowException(RetCode.FEDERATED_ERROR, "a malformed intersection message: " + e.getMessage());
        }
    }
}
