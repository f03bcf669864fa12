package io.fedflow.node.component.builtin;

import io.fedflow.node.component.FederationChannel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Channels between in-memory tasks of one job that record every message, for protocol tests. */
final class RecordingFederation {
    record Message(String tag, String srcRole, String srcParty, String dstRole, String dstParty, byte[] payload) {}

    final Map<String, List<String>> roles;
    final List<Message> messages = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, BlockingQueue<byte[]>> boxes = new ConcurrentHashMap<>();

    RecordingFederation(Map<String, List<String>> roles) {
        this.roles = roles;
    }

    List<Message> to(String role, String party) {
        synchronized (messages) {
            return messages.stream().filter(m -> m.dstRole().equals(role) && m.dstParty().equals(party)).toList();
        }
    }

    private BlockingQueue<byte[]> box(String tag, String src, String dst) {
        return boxes.computeIfAbsent(tag + "|" + src + "|" + dst, k -> new LinkedBlockingQueue<>());
    }

    FederationChannel channel(String role, String party) {
        String self = role + "/" + party;
        return new FederationChannel() {
            @Override
            public Map<String, List<String>> roles() {
                return roles;
            }

            @Override
            public void send(String tag, String dstRole, String dstPartyId, byte[] payload) {
                messages.add(new Message(tag, role, party, dstRole, dstPartyId, payload.clone()));
                box(tag, self, dstRole + "/" + dstPartyId).add(payload.clone());
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
                    byte[] b = box(tag, srcRole + "/" + srcPartyId, self).poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    if (b == null) {
                        throw new IllegalStateException("no " + tag + " from " + srcRole + "/" + srcPartyId);
                    }
                    return b;
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
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

    static String text(byte[] b) {
        return new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
