package io.fedflow.node.federation;

import com.google.protobuf.ByteString;
import dev.failsafe.FailsafeException;
import io.fedflow.node.component.FederationChannel;
import io.fedflow.node.core.AbortSignal;
import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.job.TaskChannels;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.PartyReply;
import io.fedflow.proto.v1.TransferChunk;
import io.fedflow.proto.v1.TransferHeader;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends component messages to their destination party and receives them from the local store. A
 * message for this party goes straight into the {@link TransferStore}; one for a peer goes as a signed
 * client stream (header first, then chunks as fast as the peer takes them), with a deadline that
 * grows with the payload, and is sent again whole when the peer was unreachable: the receiver takes a
 * re-send of the same bytes as success.
 */
public final class TransferChannel implements FederationChannel.Factory, TaskChannels {
    private static final Logger logger = LoggerFactory.getLogger(TransferChannel.class);

    /**
     * How messages travel: the chunk size (at most {@link TransferGrpcService#MAX_CHUNK_BYTES}), the
     * deadline of a send (base plus size at the slowest throughput tolerated) and the retries.
     */
    public record Options(int chunkBytes, Duration baseDeadline, long minBytesPerSecond,
                          PartyClient.RetryPolicy retry) {
        public static final Options DEFAULT = new Options(1024 * 1024, Duration.ofSeconds(30), 1024 * 1024,
                PartyClient.RetryPolicy.DEFAULT);

        public Options {
            if (chunkBytes < 1 || chunkBytes > TransferGrpcService.MAX_CHUNK_BYTES) {
                throw new IllegalArgumentException("chunkBytes must be 1 to " + TransferGrpcService.MAX_CHUNK_BYTES);
            }
        }

        Duration deadline(long size) {
            return baseDeadline.plusMillis(size * 1000 / Math.max(1, minBytesPerSecond));
        }
    }

    private final String thisParty;
    private final TransferStore store;
    private final PartyClient parties;
    private final Path spoolDir;
    private final Options options;

    public TransferChannel(String thisParty, TransferStore store, PartyClient parties, Path spoolDir,
                           Options options) {
        this.thisParty = thisParty;
        this.store = store;
        this.parties = parties;
        this.spoolDir = spoolDir;
        this.options = options;
    }

    /** A payload whose size and hash are known before it is sent, readable once per attempt. */
    private interface Payload extends AutoCloseable {
        long size();

        String sha256();

        InputStream open() throws IOException;

        @Override
        default void close() {}
    }

    private record BytesPayload(byte[] bytes, String sha256) implements Payload {
        public long size() {
            return bytes.length;
        }

        public InputStream open() {
            return new ByteArrayInputStream(bytes);
        }
    }

    private record SpooledPayload(Path file, long size, String sha256) implements Payload {
        public InputStream open() throws IOException {
            return Files.newInputStream(file);
        }

        @Override
        public void close() {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                logger.warn("could not delete transfer spool {}", file, e);
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends {@code payload} under {@code key} (its source must be this party). */
    public void send(TransferKey key, byte[] payload) {
        send(key, new BytesPayload(payload, HexFormat.of().formatHex(sha256().digest(payload))));
    }

    /** Sends a stream of any size: spooled to a temporary file while hashing, then sent from there. */
    public void send(TransferKey key, InputStream payload) {
        Path file = null;
        try {
            Files.createDirectories(spoolDir);
            file = Files.createTempFile(spoolDir, "transfer-", ".bin");
            MessageDigest digest = sha256();
            long size;
            try (DigestInputStream in = new DigestInputStream(payload, digest)) {
                size = Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            }
            try (SpooledPayload p = new SpooledPayload(file, size, HexFormat.of().formatHex(digest.digest()))) {
                file = null;
                send(key, p);
            }
        } catch (IOException e) {
            throw new FlowException(RetCode.EXCEPTION_ERROR, FailureKind.INTERNAL, "could not spool " + key + ": "
                    + e.getMessage(), e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a leftover temp file in the node's tmp dir
                }
            }
        }
    }

    private void send(TransferKey key, Payload payload) {
        if (!key.srcPartyId().equals(thisParty)) {
            throw FlowException.argument(key + ": the source must be this party (" + thisParty + ")");
        }
        if (key.dstPartyId().equals(thisParty)) {
            sendLocal(key, payload);
        } else {
            sendRemote(key, payload);
        }
    }

    private void sendLocal(TransferKey key, Payload payload) {
        try (TransferStore.Writer w = store.open(key, payload.size(), payload.sha256());
             InputStream in = payload.open()) {
            byte[] buf = new byte[bufferBytes(payload.size(), options.chunkBytes())];
            int n;
            while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
                w.write(buf, 0, n);
            }
            w.commit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A send's buffer: a chunk, or the whole payload when it is smaller. A component message is mostly tens of
     * kilobytes while a chunk is a mebibyte; a chunk-sized buffer a send was most of a job's garbage, and each
     * one a humongous object for G1 (half a region or more), so every send could start a concurrent cycle.
     */
    static int bufferBytes(long payloadSize, int chunkBytes) {
        return (int) Math.max(1, Math.min(chunkBytes, payloadSize));
    }

    private void sendRemote(TransferKey key, Payload payload) {
        PartyClient.RetryPolicy retry = options.retry();
        String what = "take " + key;
        try {
            // each attempt is a new stream, signed anew, sending the payload whole from its start
            SiteRetry.<Void>of(retry, TransferChannel::unreachable, "sending " + key)
                    .run(() -> sendOnce(key, payload));
        } catch (FailsafeException e) {
            if (!(e.getCause() instanceof StreamFailed failed)) {
                // interrupted between attempts (Failsafe has set the flag again)
                throw new FlowException(RetCode.FEDERATED_ERROR, "interrupted while retrying a transfer");
            }
            Status status = failed.status;
            String retcode = failed.trailers == null ? null : failed.trailers.get(RetCode.TRAILER);
            if (retcode != null) {
                throw PartyClient.refusal(key.dstPartyId(), what, Integer.parseInt(retcode), status);
            }
            String description = status.getDescription() != null ? status.getDescription() : status.getCode().name();
            if (status.getCode() != Status.Code.UNAVAILABLE) {
                throw new FlowException(RetCode.FEDERATED_ERROR, RemoteStatuses.kindOf(status.getCode()),
                        "party " + key.dstPartyId()
                        + " failed to " + what + ": " + description, status.asRuntimeException());
            }
            throw new FlowException(RetCode.CONNECTION_ERROR, FailureKind.UNREACHABLE, "party " + key.dstPartyId()
                    + " could not " + what + " after " + retry.attempts() + " attempts: " + description,
                    status.asRuntimeException());
        }
    }

    /** Only a peer that could not be reached is tried again; its refusals (a retcode) and other errors are final. */
    private static boolean unreachable(Throwable t) {
        return t instanceof StreamFailed f && f.status.getCode() == Status.Code.UNAVAILABLE
                && (f.trailers == null || f.trailers.get(RetCode.TRAILER) == null);
    }

    /** The stream ended with an error status (from the peer or the transport). */
    private static final class StreamFailed extends Exception {
        private static final long serialVersionUID = 1L;
        final transient Status status;
        final transient Metadata trailers;

        StreamFailed(Status status, Metadata trailers) {
            super(status.toString(), null, false, false);
            this.status = status;
            this.trailers = trailers;
        }
    }

    private void sendOnce(TransferKey key, Payload payload) throws StreamFailed {
        CompletableFuture<PartyReply> reply = new CompletableFuture<>();
        Object ready = new Object();
        ClientResponseObserver<TransferChunk, PartyReply> responses = new ClientResponseObserver<>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<TransferChunk> requests) {
                requests.setOnReadyHandler(() -> {
                    synchronized (ready) {
                        ready.notifyAll();
                    }
                });
            }

            @Override
            public void onNext(PartyReply value) {
                reply.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                reply.completeExceptionally(t);
                synchronized (ready) {
                    ready.notifyAll();
                }
            }

            @Override
            public void onCompleted() {
                reply.complete(PartyReply.getDefaultInstance());
            }
        };
        Duration deadline = options.deadline(payload.size());
        var requests = (ClientCallStreamObserver<TransferChunk>) parties.transfer(key.dstPartyId())
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS).send(responses);
        try (InputStream in = payload.open()) {
            // The header alone is the signed message: small, and it binds every chunk through the hash.
            requests.onNext(TransferChunk.newBuilder().setHeader(header(key, payload)).build());
            byte[] buf = new byte[bufferBytes(payload.size(), options.chunkBytes())];
            int n;
            while (!reply.isDone() && (n = in.readNBytes(buf, 0, buf.length)) > 0) {
                // Flow control: at most about one chunk waits in the transport while the peer writes.
                synchronized (ready) {
                    while (!requests.isReady() && !reply.isDone()) {
                        ready.wait(100);
                    }
                }
                if (!reply.isDone()) {
                    requests.onNext(TransferChunk.newBuilder().setContent(ByteString.copyFrom(buf, 0, n)).build());
                }
            }
            if (!reply.isDone()) {
                requests.onCompleted();
            }
        } catch (IOException e) {
            requests.onError(Status.CANCELLED.withDescription("could not read the payload").asRuntimeException());
            throw new FlowException(RetCode.EXCEPTION_ERROR, FailureKind.INTERNAL, "could not read " + key + ": "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            requests.onError(Status.CANCELLED.withDescription("sender interrupted").asRuntimeException());
            throw new FlowException(RetCode.FEDERATED_ERROR, "interrupted while sending " + key);
        }
        try {
            // The call's own deadline ends it; the margin only guards against a lost callback.
            reply.get(deadline.toMillis() + 10_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new StreamFailed(Status.fromThrowable(e.getCause()), Status.trailersFromThrowable(e.getCause()));
        } catch (TimeoutException e) {
            requests.onError(Status.DEADLINE_EXCEEDED.asRuntimeException());
            throw new StreamFailed(Status.DEADLINE_EXCEEDED.withDescription("no answer to " + key), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            // the stream may be half-closed already: cancelled, the peer drops it instead of committing it
            requests.cancel("sender interrupted", null);
            throw new FlowException(RetCode.FEDERATED_ERROR, "interrupted while sending " + key);
        }
    }

    private static TransferHeader header(TransferKey key, Payload payload) {
        return TransferHeader.newBuilder().setJobId(key.jobId()).setComponentName(key.componentName())
                .setTag(key.tag()).setSrcRole(key.srcRole()).setSrcPartyId(key.srcPartyId())
                .setDstRole(key.dstRole()).setDstPartyId(key.dstPartyId())
                .setSize(payload.size()).setSha256(payload.sha256()).setTaskVersion(key.taskVersion()).build();
    }

    @Override
    public void deleteMessages(String jobId) {
        store.deleteJob(jobId);
    }

    /** Waits for the message under {@code key} (its destination must be this party) and streams it into {@code out}. */
    public long receive(TransferKey key, Duration timeout, OutputStream out) {
        return receive(key, timeout, out, AbortSignal.NEVER);
    }

    /**
     * As {@link #receive(TransferKey, Duration, OutputStream)}, ended at once with the failure aborting {@code
     * abort}.
     */
    public long receive(TransferKey key, Duration timeout, OutputStream out, AbortSignal abort) {
        if (!key.dstPartyId().equals(thisParty)) {
            throw FlowException.argument(key + ": the destination must be this party (" + thisParty + ")");
        }
        return store.receive(key, timeout, out::write, abort);
    }

    @Override
    public FederationChannel forTask(String jobId, String componentName, long taskVersion, String role,
                                     String partyId, Map<String, List<String>> roles) {
        return forTask(jobId, componentName, taskVersion, role, partyId, roles, AbortSignal.NEVER);
    }

    @Override
    public FederationChannel forTask(String jobId, String componentName, long taskVersion, String role,
                                     String partyId, Map<String, List<String>> roles, AbortSignal sendFailed) {
        // What older versions left for this task (a stopped run's late messages) is dropped as it starts.
        int stale = store.deleteOlderVersions(jobId, componentName, role, partyId, taskVersion);
        if (stale > 0) {
            logger.info("job {} component {} {} {}: dropped {} messages of versions before {}", jobId, componentName,
                    role, partyId, stale, taskVersion);
        }
        return new TaskChannel(jobId, componentName, taskVersion, role, partyId, Map.copyOf(roles), sendFailed);
    }

    /**
     * One task's view: its job, component, version, role and party fill in the keys; its receives end with the
     * failure aborting {@code sendFailed}.
     */
    private final class TaskChannel implements FederationChannel {
        private final String jobId;
        private final String componentName;
        private final long taskVersion;
        private final String role;
        private final String partyId;
        private final Map<String, List<String>> roles;
        private final AbortSignal sendFailed;

        TaskChannel(String jobId, String componentName, long taskVersion, String role, String partyId,
                    Map<String, List<String>> roles, AbortSignal sendFailed) {
            this.sendFailed = sendFailed;
            this.jobId = jobId;
            this.componentName = componentName;
            this.taskVersion = taskVersion;
            this.role = role;
            this.partyId = partyId;
            this.roles = roles;
        }

        @Override
        public Map<String, List<String>> roles() {
            return roles;
        }

        private TransferKey to(String tag, String dstRole, String dstPartyId) {
            if (!roles.isEmpty() && !roles.getOrDefault(dstRole, List.of()).contains(dstPartyId)) {
                throw FlowException.argument("job " + jobId + " has no " + dstRole + " " + dstPartyId);
            }
            return new TransferKey(jobId, componentName, taskVersion, tag, role, partyId, dstRole, dstPartyId);
        }

        @Override
        public void send(String tag, String dstRole, String dstPartyId, byte[] payload) {
            TransferChannel.this.send(to(tag, dstRole, dstPartyId), payload);
        }

        @Override
        public void send(String tag, String dstRole, String dstPartyId, InputStream payload) {
            TransferChannel.this.send(to(tag, dstRole, dstPartyId), payload);
        }

        @Override
        public byte[] receive(String tag, String srcRole, String srcPartyId, Duration timeout) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            receive(tag, srcRole, srcPartyId, timeout, out);
            return out.toByteArray();
        }

        @Override
        public long receive(String tag, String srcRole, String srcPartyId, Duration timeout, OutputStream out) {
            return TransferChannel.this.receive(new TransferKey(jobId, componentName, taskVersion, tag, srcRole,
                    srcPartyId, role, partyId), timeout, out, sendFailed);
        }
    }
}
