package io.fedflow.node.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import io.fedflow.node.core.AbortSignal;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.core.Limits;
import io.fedflow.node.testing.SitesExtension;
import io.fedflow.node.testing.TestNode;
import io.fedflow.node.testing.TransferReplies;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.TransferChunk;
import io.fedflow.proto.v1.TransferHeader;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Small component messages, received whole and committed in groups (--transfer-group-commit-bytes):
 * many at once all arrive intact, a conflicting one fails alone, one for a receive already waiting is handed
 * to it, an acknowledged one nobody waited for survives the receiver's restart, and with the cap at 0 they
 * stream into transactions of their own as before.
 */
class TransferGroupCommitTest {
    static final String GUEST = "9999";
    static final String HOST = "10000";
    static final String JOB = "202401010000009001";

    // Sites keep their site ports (the host restarts); the guest's site streams every message it receives.
    @RegisterExtension
    static final SitesExtension sites = SitesExtension.builder(GUEST, HOST).keepSitePorts()
            .configure((id, b) -> {
                if (id.equals(GUEST)) {
                    b.limits(Limits.builder().transferGroupCommitBytes(0).build());
                }
            }).build();
    static final TestNode guest = sites.site(GUEST);
    static final TestNode host = sites.site(HOST);

    private static TransferKey key(String from, String to, String tag) {
        return new TransferKey(JOB, "hetero_lr_0", 0, tag, from.equals(GUEST) ? "guest" : "host", from,
                to.equals(GUEST) ? "guest" : "host", to);
    }

    private static byte[] receive(TestNode site, TransferKey key) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        site.node().transferChannel().receive(key, Duration.ofSeconds(10), out);
        return out.toByteArray();
    }

    private static byte[] payload(int size, long seed) {
        byte[] b = new byte[size];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    @Test
    void manySmallMessagesSentAtOnceAllArriveIntactAndAreConsumedOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<Void>> sends = new ArrayList<>();
            for (int i = 0; i < 48; i++) {
                int n = i;
                sends.add(CompletableFuture.runAsync(() -> guest.node().transferChannel()
                        .send(key(GUEST, HOST, "m." + n), payload(1 + n * 97, n)), pool));
            }
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        for (int i = 0; i < 48; i++) {
            assertThat(receive(host, key(GUEST, HOST, "m." + i))).isEqualTo(payload(1 + i * 97, i));
            assertThat(host.node().transfers().exists(key(GUEST, HOST, "m." + i))).isFalse();
        }
    }

    @Test
    void ofConcurrentSendsOfOtherContentUnderOneKeyExactlyOneLands() throws Exception {
        TransferKey key = key(GUEST, HOST, "contended");
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<CompletableFuture<FlowException>> sends = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                byte[] content = ("content " + i).getBytes(StandardCharsets.UTF_8);
                sends.add(CompletableFuture.supplyAsync(() -> catchThrowableOfType(() ->
                        guest.node().transferChannel().send(key, content), FlowException.class), pool));
            }
            List<Integer> landed = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                FlowException e = sends.get(i).get(60, TimeUnit.SECONDS);
                if (e == null) {
                    landed.add(i);
                } else {
                    assertThat(e.retCode()).isEqualTo(RetCode.DATA_ERROR);
                    assertThat(e.getMessage()).contains("already sent with other content");
                }
            }
            assertThat(landed).hasSize(1);
            assertThat(new String(receive(host, key), StandardCharsets.UTF_8)).isEqualTo("content " + landed.get(0));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aSmallMessageForAReceiveWaitingAtItsDestinationIsHandedOverBehindTheSitePort() throws Exception {
        TransferKey key = key(GUEST, HOST, "handed");
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            CompletableFuture<byte[]> received = WaitingReceives.start(host.node().transferChannel(), key,
                    AbortSignal.NEVER, pool);
            long handedOver = host.node().transfers().handedOver();
            byte[] payload = payload(90_000, 5);
            guest.node().transferChannel().send(key, payload);
            assertThat(received.get(60, TimeUnit.SECONDS)).isEqualTo(payload);
            assertThat(host.node().transfers().handedOver()).isEqualTo(handedOver + 1);
            assertThat(host.node().transfers().exists(key)).isFalse();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anAcknowledgedSmallMessageSurvivesARestartOfTheReceiver() {
        TransferKey key = key(GUEST, HOST, "durable");
        byte[] payload = payload(200_000, 3);
        guest.node().transferChannel().send(key, payload);
        host.restart();
        assertThat(receive(host, key)).isEqualTo(payload);
    }

    @Test
    void withTheCapAtZeroSmallMessagesStreamIntoTheirOwnTransactionAndArrive() {
        // The guest receives with group commit off: the host's messages to it take the streaming path.
        TransferKey key = key(HOST, GUEST, "streamed");
        byte[] payload = payload(5_000, 4);
        host.node().transferChannel().send(key, payload);
        host.node().transferChannel().send(key, payload);
        assertThat(receive(guest, key)).isEqualTo(payload);
        assertThat(guest.node().transfers().exists(key)).isFalse();
    }

    @Test
    void aSmallMessageLongerThanItsHeaderIsRefusedAndLeavesNothing() throws Exception {
        TransferKey key = key(GUEST, HOST, "long");
        byte[] payload = "0123456789".getBytes(StandardCharsets.UTF_8);
        byte[] announced = "01234".getBytes(StandardCharsets.UTF_8);
        TransferHeader header = TransferHeader.newBuilder().setJobId(key.jobId())
                .setComponentName(key.componentName()).setTag(key.tag()).setSrcRole(key.srcRole())
                .setSrcPartyId(key.srcPartyId()).setDstRole(key.dstRole()).setDstPartyId(key.dstPartyId())
                .setSize(announced.length).setSha256(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(announced))).build();
        CompletableFuture<Throwable> done = new CompletableFuture<>();
        StreamObserver<TransferChunk> requests = guest.node().partyClient().transfer(HOST)
                .withDeadlineAfter(10, TimeUnit.SECONDS).send(TransferReplies.completing(done));
        requests.onNext(TransferChunk.newBuilder().setHeader(header).build());
        requests.onNext(TransferChunk.newBuilder().setContent(ByteString.copyFrom(payload)).build());
        requests.onCompleted();
        Status status = Status.fromThrowable(done.get(10, TimeUnit.SECONDS));
        assertThat(status.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(status.getDescription()).contains("longer than the 5 bytes its header announced");
        assertThat(host.node().transfers().exists(key)).isFalse();
    }
}
