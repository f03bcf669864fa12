package io.fedflow.node.component.builtin;

import io.fedflow.node.component.FederationChannel;
import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.proto.RetCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The job's parties talking through queues in one JVM, recording every payload a party received, so that a
 * test can check what crossed the wire.
 */
final class InMemoryFederation {
    /** One received message. */
    record Received(String tag, String srcRole, String srcParty, byte[] payload) {}

    private final Map<String, List<String>> roles;
    private final Map<String, BlockingQueue<byte[]>> queues = new ConcurrentHashMap<>();
    private final Map<String, List<Received>> received = new ConcurrentHashMap<>();

    InMemoryFederation(Map<String, List<String>> roles) {
        this.roles = roles;
    }

    /** Everything {@code role} {@code party} received, in order. */
    List<Received> receivedBy(String role, String party) {
        return received.getOrDefault(role + "/" + party, List.of());
    }

    FederationChannel channel(String role, String party) {
        return new FederationChannel() {
            @Override
            public Map<String, List<String>> roles() {
                return roles;
            }

            @Override
            public void send(String tag, String dstRole, String dstPartyId, byte[] payload) {
                if (!roles.getOrDefault(dstRole, List.of()).contains(dstPartyId)) {
                    throw FlowException.argument("job has no " + dstRole + " " + dstPartyId);
                }
                queue(tag, role, party, dstRole, dstPartyId).add(payload.clone());
            }

            @Override
            public void send(String tag, String dstRole, String dstPartyId, InputStream payload) {
                try {
                    send(tag, dstRole, dstPartyId, payload.readAllBytes());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public byte[] receive(String tag, String srcRole, String srcPartyId, Duration timeout) {
                try {
                    byte[] b = queue(tag, srcRole, srcPartyId, role, party).poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    if (b == null) {
                        throw new FlowException(RetCode.FEDERATED_ERROR, FailureKind.TIMED_OUT,
                                "no " + tag + " within " + timeout, null);
                    }
                    received.computeIfAbsent(role + "/" + party, k -> Collections.synchronizedList(new ArrayList<>()))
                            .add(new Received(tag, srcRole, srcPartyId, b));
                    return b;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new FlowException(RetCode.FEDERATED_ERROR, "interrupted");
                }
            }

            @Override
            public long receive(String tag, String srcRole, String srcPartyId, Duration timeout, OutputStream out) {
                byte[] b = receive(tag, srcRole, srcPartyId, timeout);
                try {
                    out.write(b);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return b.length;
            }
        };
    }

    private BlockingQueue<byte[]> queue(String tag, String srcRole, String srcParty, String dstRole, String dstParty) {
        return queues.computeIfAbsent(String.join("|", tag, srcRole, srcParty, dstRole, dstParty),
                k -> new LinkedBlockingQueue<>());
    }

    /** A payload as text, byte for byte, to search it for what must not be there. */
    static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
