package io.fedflow.node.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.fedflow.node.component.FederationChannel;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.core.Limits;
import io.fedflow.node.federation.TransferKey;
import io.fedflow.node.federation.TransferStore;
import io.fedflow.node.testing.HeldTransfers;
import io.fedflow.node.testing.LogCapture;
import io.fedflow.node.testing.SitesExtension;
import io.fedflow.node.testing.TestNode;
import io.fedflow.proto.RetCode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Pipelined sends between two real nodes over the signed site port: a send returns once its message is
 * queued, delivery follows in order per destination, a receive takes its message without waiting for
 * the acknowledgements but wakes with a delivery's failure, and the task's end waits for every
 * acknowledgement and throws a delivery's failure (the receives look at the table on their own only every 10
 * minutes: the failure wakes them). A delivery is held in flight deterministically by a
 * writer the test keeps open at the host under the same key ({@link HeldTransfers}).
 */
class PipelinedChannelTest {
    static final String GUEST = "9999";
    static final String HOST = "10000";
    static final String COMPONENT = "hetero_lr_0";
    static final AtomicInteger JOBS = new AtomicInteger();
    static final Map<String, List<String>> ROLES = Map.of("guest", List.of(GUEST), "host", List.of(HOST));
    static final int HELD_BYTES = HeldTransfers.HELD_BYTES;
    // A receive looks at the table on its own only every 10 minutes: a delivery's failure must wake it.
    @RegisterExtension
    static final SitesExtension sites = SitesExtension.builder(GUEST, HOST).configure((id, b) -> b.limits(
            Limits.builder().transferSafetyPoll(Duration.ofMinutes(10)).build())).build();
    static final TestNode guest = sites.site(GUEST);
    static final TestNode host = sites.site(HOST);
    static final ExecutorService deliveries = Executors.newCachedThreadPool();

    @AfterAll
    static void stopDeliveries() {
        deliveries.shutdownNow();
    }

    private static String job() {
        return "2025010100000000" + String.format("%04d", JOBS.incrementAndGet());
    }

    private static PipelinedChannel pipeline(String job, long capBytes) {
        return new PipelinedChannel(sendFailed -> guest.node().transferChannel().forTask(job, COMPONENT, 0, "guest",
                GUEST, ROLES, sendFailed), capBytes, deliveries);
    }

    private static FederationChannel atHost(String job) {
        return host.node().transferChannel().forTask(job, COMPONENT, 0, "host", HOST, ROLES);
    }

    private static TransferKey toHost(String job, String tag) {
        return new TransferKey(job, COMPONENT, 0, tag, "guest", GUEST, "host", HOST);
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    /** Tags of the job's messages waiting at the host, in the order the host stored them. */
    private static List<String> storedAtHost(String job) {
        return host.node().database().dsl().fetch("select f_tag from t_transfer where f_job_id = ? order by f_id", job)
                .getValues(0, String.class);
    }

    private static boolean deliveryWaitsAtHost() {
        return HeldTransfers.deliveryWaitsAt(host);
    }

    private static TransferStore.Writer hold(TransferKey key, byte[] payload) {
        return HeldTransfers.hold(host, key, payload);
    }

    private static void commit(TransferStore.Writer held, byte[] payload) {
        HeldTransfers.commit(held, payload);
    }

    @Test
    void sendsReturnBeforeTheirDeliveryWhichFollowsInTheOrderSent() throws Exception {
        String job = job();
        PipelinedChannel channel = pipeline(job, 32L << 20);
        byte[] first = bytes(HELD_BYTES, 1);
        TransferStore.Writer held = hold(toHost(job, "m.0"), first);

        channel.send("m.0", "host", HOST, first);
        List<byte[]> rest = new ArrayList<>();
        for (int i = 1; i <= 9; i++) {
            byte[] b = ("message " + i).getBytes(StandardCharsets.UTF_8);
            rest.add(b);
            channel.send("m." + i, "host", HOST, b);
        }
        // every send has returned while the first message is still on its way...
        await().atMost(Duration.ofSeconds(30)).until(PipelinedChannelTest::deliveryWaitsAtHost);
        // ...and none behind it has overtaken it
        assertThat(storedAtHost(job)).isEmpty();

        commit(held, first);
        channel.awaitDelivered();
        assertThat(storedAtHost(job)).containsExactly("m.0", "m.1", "m.2", "m.3", "m.4", "m.5", "m.6", "m.7", "m.8",
                "m.9");
        FederationChannel receiver = atHost(job);
        assertThat(receiver.receive("m.0", "guest", GUEST, Duration.ofSeconds(10))).isEqualTo(first);
        for (int i = 1; i <= 9; i++) {
            assertThat(receiver.receive("m." + i, "guest", GUEST, Duration.ofSeconds(10))).isEqualTo(rest.get(i - 1));
        }
    }

    @Test
    void theSendersArrayMayBeReusedOnceSendReturns() {
        String job = job();
        PipelinedChannel channel = pipeline(job, 32L << 20);
        byte[] buffer = "first".getBytes(StandardCharsets.UTF_8);
        channel.send("reused", "host", HOST, buffer);
        Arrays.fill(buffer, (byte) 'x');
        channel.awaitDelivered();
        assertThat(atHost(job).receive("reused", "guest", GUEST, Duration.ofSeconds(10)))
                .isEqualTo("first".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aPeersRefusalFailsTheNextReceiveAndTheTasksEndAndNothingBehindItIsSent() throws Exception {
        String job = job();
        // the host holds other content under the key the guest sends next
        byte[] other = "other content".getBytes(StandardCharsets.UTF_8);
        commit(hold(toHost(job, "taken"), other), other);
        PipelinedChannel channel = pipeline(job, 32L << 20);

        channel.send("taken", "host", HOST, "mine".getBytes(StandardCharsets.UTF_8)); // returns: only queued
        channel.send("behind", "host", HOST, "queued after it".getBytes(StandardCharsets.UTF_8));

        FlowException atReceive = catchThrowableOfType(() -> channel.receive("reply", "host", HOST,
                Duration.ofSeconds(1)), FlowException.class);
        assertThat(atReceive.getMessage()).contains(HOST).contains("already sent with other content");
        assertThat(atReceive.retCode()).isEqualTo(RetCode.DATA_ERROR);
        // the task's end sees the same failure; a later send is refused with it too
        FlowException atEnd = catchThrowableOfType(channel::awaitDelivered, FlowException.class);
        assertThat(atEnd).isSameAs(atReceive);
        assertThat(catchThrowableOfType(() -> channel.send("later", "host", HOST, new byte[1]), FlowException.class))
                .isSameAs(atReceive);
        assertThat(storedAtHost(job)).containsExactly("taken");
        assertThat(atHost(job).receive("taken", "guest", GUEST, Duration.ofSeconds(10))).isEqualTo(other);
    }

    @Test
    void closingMidFlightCutsTheDeliveryDropsTheQueueAndLeavesNothingAtThePeer() throws Exception {
        String job = job();
        PipelinedChannel channel = pipeline(job, 32L << 20);
        byte[] first = bytes(HELD_BYTES, 2);
        TransferKey heldKey = toHost(job, "m.0");
        TransferStore.Writer held = hold(heldKey, first);
        channel.send("m.0", "host", HOST, first);
        channel.send("m.1", "host", HOST, "queued".getBytes(StandardCharsets.UTF_8));
        channel.send("m.2", "host", HOST, "queued".getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(30)).until(PipelinedChannelTest::deliveryWaitsAtHost);

        try (LogCapture log = new LogCapture()) {
            // the task was stopped: close returns once no delivery of it runs any more
            channel.close();
            // the host's waiting insert goes on once the test's writer gives the key up, and drops the cut stream
            held.abort();
            await().atMost(Duration.ofSeconds(30)).until(() -> log.text().contains("transfer " + heldKey + " cut"));
        }
        assertThat(storedAtHost(job)).isEmpty();
        assertThat(catchThrowableOfType(() -> channel.send("m.3", "host", HOST, new byte[1]),
                IllegalStateException.class)).hasMessageContaining("closed");
    }

    @Test
    void aReceiveTakesItsMessageWhileTheTasksSendsAreStillUnacknowledged() throws Exception {
        String job = job();
        PipelinedChannel channel = pipeline(job, 32L << 20);
        byte[] first = bytes(HELD_BYTES, 6);
        TransferStore.Writer held = hold(toHost(job, "m.0"), first);
        channel.send("m.0", "host", HOST, first);
        await().atMost(Duration.ofSeconds(30)).until(PipelinedChannelTest::deliveryWaitsAtHost);

        // the host's answer is there while the guest's message still waits for its acknowledgement
        byte[] answer = "answer".getBytes(StandardCharsets.UTF_8);
        atHost(job).send("answer", "guest", GUEST, answer);
        CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> channel.receive("answer", "host",
                HOST, Duration.ofMinutes(5)), deliveries);
        await().atMost(Duration.ofSeconds(30)).until(received::isDone);
        assertThat(received.get()).isEqualTo(answer);
        assertThat(deliveryWaitsAtHost()).isTrue();
        assertThat(storedAtHost(job)).isEmpty();

        // the task's end still waits for it
        CompletableFuture<Void> ended = CompletableFuture.runAsync(channel::awaitDelivered, deliveries);
        commit(held, first);
        ended.get();
        assertThat(storedAtHost(job)).containsExactly("m.0");
    }

    @Test
    void aDeliveryRefusedWhileTheTaskWaitsForAMessageEndsThatWaitWithTheRefusal() throws Exception {
        String job = job();
        PipelinedChannel channel = pipeline(job, 32L << 20);
        TransferKey key = toHost(job, "m.0");
        byte[] other = bytes(HELD_BYTES, 7);
        TransferStore.Writer held = hold(key, other);
        channel.send("m.0", "host", HOST, bytes(HELD_BYTES, 8));
        await().atMost(Duration.ofSeconds(30)).until(PipelinedChannelTest::deliveryWaitsAtHost);

        // the receive would wait five minutes for a message that never comes...
        CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> channel.receive("never", "host",
                HOST, Duration.ofMinutes(5)), deliveries);
        assertThat(received).isNotDone();
        // ...until the host refuses the guest's message: other content under its key
        commit(held, other);
        await().atMost(Duration.ofSeconds(30)).until(received::isDone);
        Throwable thrown = catchThrowable(received::join);
        assertThat(thrown).isInstanceOf(CompletionException.class).cause().isInstanceOf(FlowException.class);
        FlowException atReceive = (FlowException) thrown.getCause();
        assertThat(atReceive.retCode()).isEqualTo(RetCode.DATA_ERROR);
        assertThat(atReceive.getMessage()).contains(HOST).contains("already sent with other content");
        assertThat(catchThrowableOfType(channel::awaitDelivered, FlowException.class)).isSameAs(atReceive);
    }

    @Test
    void eachDestinationGetsItsMessagesInOrderWithoutWaitingForAnother() throws Exception {
        String job = job();
        PipelinedChannel channel = pipeline(job, 32L << 20);
        byte[] first = bytes(HELD_BYTES, 9);
        TransferStore.Writer held = hold(toHost(job, "m.0"), first);
        channel.send("m.0", "host", HOST, first);
        channel.send("m.1", "host", HOST, "behind m.0".getBytes(StandardCharsets.UTF_8));
        // to the guest's own party: another destination, not held up by the host's
        channel.send("self", "guest", GUEST, "to this party".getBytes(StandardCharsets.UTF_8));
        FederationChannel atGuest = guest.node().transferChannel().forTask(job, COMPONENT, 0, "guest", GUEST, ROLES);
        assertThat(atGuest.receive("self", "guest", GUEST, Duration.ofSeconds(30)))
                .isEqualTo("to this party".getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(30)).until(PipelinedChannelTest::deliveryWaitsAtHost);
        assertThat(storedAtHost(job)).isEmpty();

        commit(held, first);
        channel.awaitDelivered();
        assertThat(storedAtHost(job)).containsExactly("m.0", "m.1");
    }

    @Test
    void aSendPastTheQueueCapWaitsForTheAcknowledgementsOfTheEarlierOnes() throws Exception {
        String job = job();
        PipelinedChannel channel = pipeline(job, 2L << 20);
        byte[] first = bytes(HELD_BYTES, 3);
        TransferStore.Writer held = hold(toHost(job, "m.0"), first);
        channel.send("m.0", "host", HOST, first);
        await().atMost(Duration.ofSeconds(30)).until(PipelinedChannelTest::deliveryWaitsAtHost);

        // 1 MiB more would pass the 2 MiB cap while the first is unacknowledged: that send waits
        byte[] second = bytes(1 << 20, 4);
        AtomicReference<Thread> sender = new AtomicReference<>();
        CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
            sender.set(Thread.currentThread());
            channel.send("m.1", "host", HOST, second);
        }, deliveries);
        await().atMost(Duration.ofSeconds(30)).until(() -> waitsInSend(sender.get()));
        assertThat(sent).isNotDone();

        commit(held, first);
        sent.get();
        channel.awaitDelivered();
        assertThat(storedAtHost(job)).containsExactly("m.0", "m.1");
        assertThat(atHost(job).receive("m.1", "guest", GUEST, Duration.ofSeconds(10))).isEqualTo(second);

        // a message larger than the whole cap goes alone once nothing else is on its way
        byte[] large = bytes(3 << 20, 5);
        channel.send("large", "host", HOST, large);
        channel.awaitDelivered();
        assertThat(atHost(job).receive("large", "guest", GUEST, Duration.ofSeconds(10))).isEqualTo(large);
    }

    private static boolean waitsInSend(Thread t) {
        return t != null && t.getState() == Thread.State.WAITING && Arrays.stream(t.getStackTrace())
                .anyMatch(f -> f.getClassName().equals(PipelinedChannel.class.getName())
                        && f.getMethodName().equals("send"));
    }

    @Test
    void withACapOfZeroASendReturnsOnlyOnceThePeerHasTheMessage() {
        String job = job();
        PipelinedChannel channel = pipeline(job, 0);
        channel.send("sync", "host", HOST, "now".getBytes(StandardCharsets.UTF_8));
        assertThat(host.node().transfers().exists(toHost(job, "sync"))).isTrue();
        assertThat(channel.deliveryNanos()).isZero();
    }
}
