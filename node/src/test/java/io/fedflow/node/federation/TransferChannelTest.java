package io.fedflow.node.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.fedflow.node.component.FederationChannel;
import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.testing.LogCapture;
import io.fedflow.node.testing.SitesExtension;
import io.fedflow.node.testing.TestNode;
import io.fedflow.node.testing.TransferReplies;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.TransferChunk;
import io.fedflow.proto.v1.TransferHeader;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Component messages between two real nodes over the signed site port, and within one node. */
class TransferChannelTest {
    static final String GUEST = "9999";
    static final String HOST = "10000";
    static final AtomicInteger JOBS = new AtomicInteger();
    @RegisterExtension
    static final SitesExtension sites = SitesExtension.of(GUEST, HOST);
    static final TestNode guest = sites.site(GUEST);
    static final TestNode host = sites.site(HOST);

    /** Whether a session of the site's database is inside a transfer's transaction, chunks written. */
    private static boolean writingChunks(TestNode site) {
        return site.node().database().dsl().fetchExists(site.node().database().dsl().selectOne()
                .from("pg_stat_activity").where("datname = current_database() and state = 'idle in transaction'"
                        + " and query ilike '%t_transfer_chunk%'"));
    }

    /** A fresh job id per test, so that tests never see each other's messages. */
    private static String job() {
        return "2024010100000000" + String.format("%04d", JOBS.incrementAndGet());
    }

    private static TransferKey guestToHost(String job, String tag) {
        return new TransferKey(job, "intersection_0", 0, tag, "guest", GUEST, "host", HOST);
    }

    private static byte[] receive(TestNode site, TransferKey key) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        site.node().transferChannel().receive(key, Duration.ofSeconds(10), out);
        return out.toByteArray();
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void messageFromGuestArrivesIntactAtHostAndIsConsumedOnce() {
        TransferKey key = guestToHost(job(), "intersect_ids.0");
        byte[] payload = "id1,id2,id3".getBytes(StandardCharsets.UTF_8);
        guest.node().transferChannel().send(key, payload);
        assertThat(host.node().transfers().exists(key)).isTrue();
        assertThat(receive(host, key)).isEqualTo(payload);
        assertThat(host.node().transfers().exists(key)).as("consumed").isFalse();
    }

    @Test
    void emptyPayloadArrives() {
        TransferKey key = guestToHost(job(), "empty");
        guest.node().transferChannel().send(key, new byte[0]);
        assertThat(receive(host, key)).isEmpty();
    }

    /** A send reads its payload in buffers no larger than the payload: a small message, a small buffer. */
    @Test
    void aSendsBufferIsAChunkOrThePayloadWhenSmaller() {
        int chunk = TransferChannel.Options.DEFAULT.chunkBytes();
        assertThat(TransferChannel.bufferBytes(0, chunk)).isEqualTo(1);
        assertThat(TransferChannel.bufferBytes(80_000, chunk)).isEqualTo(80_000);
        assertThat(TransferChannel.bufferBytes(chunk, chunk)).isEqualTo(chunk);
        assertThat(TransferChannel.bufferBytes(100L * chunk, chunk)).isEqualTo(chunk);
    }

    /** Payloads just around one chunk (where the buffer is the payload, or a chunk) arrive whole, remote and local. */
    @Test
    void payloadsAroundOneChunkArriveIntact() {
        int chunk = TransferChannel.Options.DEFAULT.chunkBytes();
        String job = job();
        for (int size : new int[] {1, chunk - 1, chunk, chunk + 1}) {
            byte[] payload = new byte[size];
            new SplittableRandom(size).nextBytes(payload);
            TransferKey remote = guestToHost(job, "around_chunk." + size);
            guest.node().transferChannel().send(remote, payload);
            assertThat(receive(host, remote)).as("%d bytes to the host", size).isEqualTo(payload);
            TransferKey local = new TransferKey(job, "intersection_0", 0, "around_chunk." + size, "guest", GUEST,
                    "host", GUEST);
            guest.node().transferChannel().send(local, payload);
            assertThat(receive(guest, local)).as("%d bytes within the node", size).isEqualTo(payload);
        }
    }

    /** 100 MB through a 384 MiB test heap: neither side may hold the payload whole. */
    @Test
    void hundredMegabytePayloadStreamsWithBoundedHeap() throws Exception {
        long size = 100L * 1000 * 1000;
        TransferKey key = guestToHost(job(), "large");
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        long t0 = System.nanoTime();
        guest.node().transferChannel().send(key, new RandomStream(size, 42, sent));
        long t1 = System.nanoTime();
        MessageDigest got = MessageDigest.getInstance("SHA-256");
        long[] count = new long[1];
        long received = host.node().transferChannel().receive(key, Duration.ofSeconds(10), new OutputStream() {
            @Override
            public void write(int b) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void write(byte[] b, int off, int len) {
                got.update(b, off, len);
                count[0] += len;
            }
        });
        long t2 = System.nanoTime();
        assertThat(received).isEqualTo(size);
        assertThat(count[0]).isEqualTo(size);
        assertThat(got.digest()).isEqualTo(sent.digest());
        System.out.printf("100 MB: send %d ms, receive %d ms, max heap %d MiB%n", (t1 - t0) / 1_000_000,
                (t2 - t1) / 1_000_000, Runtime.getRuntime().maxMemory() >> 20);
    }

    @Test
    void streamWhoseBytesDoNotMatchTheHeaderHashIsRefusedAndLeavesNothing() throws Exception {
        TransferKey key = guestToHost(job(), "tampered");
        byte[] announced = "the real payload".getBytes(StandardCharsets.UTF_8);
        byte[] sent = "the fake payload".getBytes(StandardCharsets.UTF_8);
        Status status = rawSend(header(key, announced.length, sha256(announced)), sent);
        assertThat(status.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(status.getDescription()).contains("does not match its header's sha256");
        assertThat(lastRetcode).isEqualTo(RetCode.DATA_ERROR.code());
        assertThat(host.node().transfers().exists(key)).isFalse();
    }

    @Test
    void streamShorterThanItsHeaderIsRefusedAndLeavesNothing() throws Exception {
        TransferKey key = guestToHost(job(), "short");
        byte[] payload = "0123456789".getBytes(StandardCharsets.UTF_8);
        Status status = rawSend(header(key, payload.length + 5, sha256(payload)), payload);
        assertThat(status.getDescription()).contains("ended after 10 bytes");
        assertThat(host.node().transfers().exists(key)).isFalse();
    }

    @Test
    void headerWhoseSourceIsNotTheSignerIsRefused() throws Exception {
        TransferKey forged = new TransferKey(job(), "intersection_0", 0, "forged", "guest", "8888", "host", HOST);
        byte[] payload = "x".getBytes(StandardCharsets.UTF_8);
        Status status = rawSend(header(forged, 1, sha256(payload)), payload);
        assertThat(status.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(status.getDescription()).contains("src_party_id 8888 is not the signing party " + GUEST);
        assertThat(lastRetcode).isEqualTo(RetCode.AUTHENTICATION_ERROR.code());
        assertThat(host.node().transfers().exists(forged)).isFalse();
    }

    @Test
    void headerForAnotherPartyIsRefused() throws Exception {
        // Signed for the host but addressed in the header to a third party.
        TransferKey misrouted = new TransferKey(job(), "intersection_0", 0, "misrouted", "guest", GUEST, "host", "7777");
        byte[] payload = "x".getBytes(StandardCharsets.UTF_8);
        Status status = rawSend(header(misrouted, 1, sha256(payload)), payload);
        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(lastRetcode).isEqualTo(RetCode.ARGUMENT_ERROR.code());
    }

    @Test
    void firstChunkWithoutHeaderIsRefused() {
        Status status = rawSend(null, "x".getBytes(StandardCharsets.UTF_8));
        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).contains("must carry the header");
    }

    @Test
    void streamCutByTheSenderLeavesNothing() throws Exception {
        TransferKey key = guestToHost(job(), "cut");
        byte[] payload = new byte[3 * 1024 * 1024];
        CompletableFuture<Throwable> done = new CompletableFuture<>();
        StreamObserver<TransferChunk> requests = guest.node().partyClient().transfer(HOST)
                .send(TransferReplies.completing(done));
        requests.onNext(TransferChunk.newBuilder().setHeader(header(key, payload.length, sha256(payload))).build());
        try (LogCapture log = new LogCapture()) {
            requests.onNext(TransferChunk.newBuilder().setContent(ByteString.copyFrom(payload, 0, 1024 * 1024))
                    .build());
            // the host holds the first megabyte in its open transaction when the sender goes away...
            await().atMost(Duration.ofSeconds(10)).until(() -> writingChunks(host));
            requests.onError(Status.CANCELLED.withDescription("sender crashed").asRuntimeException());
            // ...and it has dropped them once it logs the cut
            await().atMost(Duration.ofSeconds(10)).until(() -> log.text().contains("transfer " + key + " cut"));
        }
        assertThat(host.node().transfers().exists(key)).isFalse();
        // The key is free again: a full send afterwards lands.
        guest.node().transferChannel().send(key, payload);
        assertThat(receive(host, key)).isEqualTo(payload);
    }

    @Test
    void receiveTimesOutWithAClearError() {
        TransferKey key = guestToHost(job(), "never_sent");
        long t0 = System.nanoTime();
        FlowException e = catchThrowableOfType(() -> host.node().transferChannel().receive(key, Duration.ofMillis(300),
                OutputStream.nullOutputStream()), FlowException.class);
        assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(250L, 3000L);
        assertThat(e.retCode()).isEqualTo(RetCode.FEDERATED_ERROR);
        assertThat(e.getMessage()).contains("no message never_sent of job " + key.jobId()).contains("within 300 ms");
    }

    @Test
    void sendAndReceiveWithinOneNode() throws Exception {
        TransferKey key = new TransferKey(job(), "secure_boost_0", 0, "tree.0", "guest", GUEST, "host", GUEST);
        byte[] payload = new byte[2_500_000];
        new SplittableRandom(7).nextBytes(payload);
        AtomicReference<Thread> receiver = new AtomicReference<>();
        CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
            receiver.set(Thread.currentThread());
            return receive(guest, key);
        });
        // the receiver has looked, found nothing and waits: the send below is what wakes it
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.get() != null
                && receiver.get().getState() == Thread.State.TIMED_WAITING);
        guest.node().transferChannel().send(key, new ByteArrayInputStream(payload));
        assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo(payload);
    }

    @Test
    void resendOfTheSameMessageIsSuccessAndOtherContentUnderTheSameKeyIsRefused() {
        TransferKey key = guestToHost(job(), "idempotent");
        byte[] payload = "same".getBytes(StandardCharsets.UTF_8);
        guest.node().transferChannel().send(key, payload);
        guest.node().transferChannel().send(key, payload);
        FlowException e = catchThrowableOfType(() -> guest.node().transferChannel().send(key,
                "other".getBytes(StandardCharsets.UTF_8)), FlowException.class);
        assertThat(e.retCode()).isEqualTo(RetCode.DATA_ERROR);
        assertThat(e.getMessage()).contains("already sent with other content");
        assertThat(receive(host, key)).isEqualTo(payload);
        assertThat(host.node().transfers().exists(key)).isFalse();
    }

    @Test
    void componentsTalkThroughTheirTaskChannels() {
        String job = job();
        Map<String, List<String>> roles = Map.of("guest", List.of(GUEST), "host", List.of(HOST));
        FederationChannel atGuest = guest.node().transferChannel().forTask(job, "hetero_lr_0", 0, "guest", GUEST, roles);
        FederationChannel atHost = host.node().transferChannel().forTask(job, "hetero_lr_0", 0, "host", HOST, roles);
        assertThat(atHost.roles()).isEqualTo(roles);
        atGuest.send("gradient.1", "host", HOST, new byte[] {1, 2, 3});
        atHost.send("loss.1", "guest", GUEST, new byte[] {4});
        assertThat(atHost.receive("gradient.1", "guest", GUEST, Duration.ofSeconds(5))).containsExactly(1, 2, 3);
        assertThat(atGuest.receive("loss.1", "host", HOST, Duration.ofSeconds(5))).containsExactly(4);
        FlowException e = catchThrowableOfType(() -> atGuest.send("x", "arbiter", "10001", new byte[0]),
                FlowException.class);
        assertThat(e.getMessage()).contains("has no arbiter 10001");
    }

    @Test
    void aStoppedVersionsMessagesAreNeitherTakenByNorInTheWayOfTheNextVersion() {
        String job = job();
        Map<String, List<String>> roles = Map.of("guest", List.of(GUEST), "host", List.of(HOST));
        FederationChannel guestV0 = guest.node().transferChannel().forTask(job, "hetero_lr_0", 0, "guest", GUEST, roles);
        // version 0 was stopped: one of its messages is still in the host's store when version 1 starts...
        guestV0.send("gradient.0.1", "host", HOST, new byte[] {0, 0});
        TransferKey stale = new TransferKey(job, "hetero_lr_0", 0, "gradient.0.1", "guest", GUEST, "host", HOST);
        assertThat(host.node().transfers().exists(stale)).isTrue();
        FederationChannel hostV1 = host.node().transferChannel().forTask(job, "hetero_lr_0", 1, "host", HOST, roles);
        // ...and is dropped as the new version's task opens its channel
        assertThat(host.node().transfers().exists(stale)).isFalse();
        // another arrives late, after version 1 started: the same tag with other content is no conflict
        guestV0.send("gradient.0.1", "host", HOST, new byte[] {0, 1});
        FederationChannel guestV1 = guest.node().transferChannel().forTask(job, "hetero_lr_0", 1, "guest", GUEST, roles);
        guestV1.send("gradient.0.1", "host", HOST, new byte[] {1, 1});
        assertThat(hostV1.receive("gradient.0.1", "guest", GUEST, Duration.ofSeconds(5))).containsExactly(1, 1);
        // the late message of version 0 is never delivered to version 1
        FlowException none = catchThrowableOfType(
                () -> hostV1.receive("gradient.0.1", "guest", GUEST, Duration.ofMillis(300)), FlowException.class);
        assertThat(none.kind()).isEqualTo(FailureKind.TIMED_OUT);
        assertThat(none.getMessage()).contains("version 1");
    }

    @Test
    void aReceiverWhosePeerRunsANewerVersionFailsAtOnceWithThatReason() {
        String job = job();
        Map<String, List<String>> roles = Map.of("guest", List.of(GUEST), "host", List.of(HOST));
        FederationChannel guestV2 = guest.node().transferChannel().forTask(job, "hetero_lr_0", 2, "guest", GUEST, roles);
        FederationChannel hostV1 = host.node().transferChannel().forTask(job, "hetero_lr_0", 1, "host", HOST, roles);
        guestV2.send("pubkey", "host", HOST, new byte[] {7});
        FlowException e = catchThrowableOfType(
                () -> hostV1.receive("pubkey", "guest", GUEST, Duration.ofSeconds(30)), FlowException.class);
        assertThat(e.kind()).isEqualTo(FailureKind.REFUSED);
        assertThat(e.getMessage()).contains("guest " + GUEST + " runs version 2", "runs version 1", "pubkey");
        // the newer version's message stays for the task that runs it
        FederationChannel hostV2 = host.node().transferChannel().forTask(job, "hetero_lr_0", 2, "host", HOST, roles);
        assertThat(hostV2.receive("pubkey", "guest", GUEST, Duration.ofSeconds(5))).containsExactly(7);
    }

    @Test
    void unreachablePeerIsRetriedThenReportedAsAConnectionError() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        guest.node().peers().put(new Peer("10002", "127.0.0.1", closedPort, host.node().siteKeys().publicKeyBase64(), false));
        try {
            TransferKey key = new TransferKey(job(), "intersection_0", 0, "lost", "guest", GUEST, "host", "10002");
            FlowException e = catchThrowableOfType(() -> guest.node().transferChannel().send(key, new byte[] {1}),
                    FlowException.class);
            assertThat(e.retCode()).isEqualTo(RetCode.CONNECTION_ERROR);
            assertThat(e.getMessage()).contains("party 10002 could not take message lost").contains("after 4 attempts");
        } finally {
            guest.node().peers().remove("10002");
        }
    }

    @Test
    void deletingAJobDropsItsMessages() {
        String job = job();
        guest.node().transferChannel().send(guestToHost(job, "a"), new byte[] {1});
        guest.node().transferChannel().send(guestToHost(job, "b"), new byte[] {2});
        assertThat(host.node().transfers().deleteJob(job)).isEqualTo(2);
        assertThat(host.node().transfers().exists(guestToHost(job, "a"))).isFalse();
    }

    // --- raw streams, as a misbehaving or malicious peer would send them

    static volatile int lastRetcode;

    private static TransferHeader header(TransferKey k, long size, String sha256) {
        return TransferHeader.newBuilder().setJobId(k.jobId()).setComponentName(k.componentName()).setTag(k.tag())
                .setSrcRole(k.srcRole()).setSrcPartyId(k.srcPartyId()).setDstRole(k.dstRole())
                .setDstPartyId(k.dstPartyId()).setSize(size).setSha256(sha256).build();
    }

    /** Sends a header (none when null) and one content chunk from the guest to the host; the status. */
    private static Status rawSend(TransferHeader header, byte[] content) {
        CompletableFuture<Throwable> done = new CompletableFuture<>();
        StreamObserver<TransferChunk> requests = guest.node().partyClient().transfer(HOST)
                .withDeadlineAfter(10, TimeUnit.SECONDS).send(TransferReplies.completing(done));
        if (header != null) {
            requests.onNext(TransferChunk.newBuilder().setHeader(header).build());
        }
        requests.onNext(TransferChunk.newBuilder().setContent(ByteString.copyFrom(content)).build());
        requests.onCompleted();
        Throwable t;
        try {
            t = done.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError(e);
        }
        if (t == null) {
            return Status.OK;
        }
        Metadata trailers = Status.trailersFromThrowable(t);
        String retcode = trailers == null ? null : trailers.get(RetCode.TRAILER);
        lastRetcode = retcode == null ? -1 : Integer.parseInt(retcode);
        return Status.fromThrowable(t);
    }

    /** {@code size} pseudo-random bytes, produced as read and hashed into {@code digest}. */
    static final class RandomStream extends InputStream {
        private final SplittableRandom random;
        private final MessageDigest digest;
        private long left;

        RandomStream(long size, long seed, MessageDigest digest) {
            this.left = size;
            this.random = new SplittableRandom(seed);
            this.digest = digest;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            byte[] chunk = new byte[n];
            random.nextBytes(chunk);
            System.arraycopy(chunk, 0, b, off, n);
            digest.update(chunk);
            left -= n;
            return n;
        }
    }
}
