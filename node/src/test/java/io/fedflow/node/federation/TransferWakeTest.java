package io.fedflow.node.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.fedflow.node.Node;
import io.fedflow.node.core.AbortSignal;
import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.core.Limits;
import io.fedflow.node.core.NodeConfig;
import io.fedflow.node.store.DatabaseNotifications;
import io.fedflow.node.testing.NodeExtension;
import io.fedflow.node.testing.TestNodes;
import io.fedflow.proto.RetCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Receivers woken, not polling: two node processes of one site (party 10000) over one database, each looking
 * at the table on its own only every 10 minutes (the safety poll). A receive waiting in the first process takes
 * a message the second one commits, small (group commit) or large (a transaction of its own), through the
 * NOTIFY of its commit; a small one the first sends itself is handed over without being stored, and one the
 * receive fails to take is stored for another try; one committed while the first's listening connection is cut
 * is found once the connection is made again; and an abort ends the wait with its failure. Every wait here
 * would otherwise last the 10 minutes, far beyond the test's own bounds.
 */
class TransferWakeTest {
    static final String PARTY = "10000";
    static final Duration SAFETY_POLL = Duration.ofMinutes(10);
    static final AtomicInteger TAGS = new AtomicInteger();

    @RegisterExtension
    static final NodeExtension first = NodeExtension.builder().partyId(PARTY)
            .configure(b -> b.limits(Limits.builder().transferSafetyPoll(SAFETY_POLL).build())).build();
    static Node second;
    static final ExecutorService receivers = Executors.newCachedThreadPool();

    @BeforeAll
    static void startSecondProcess() throws Exception {
        second = TestNodes.start(NodeConfig.builder(PARTY, Files.createTempDirectory("fedflow-node-10000-b-"))
                .dbUrl(first.config().dbUrl()).dbUser(first.config().dbUser())
                .limits(Limits.builder().transferSafetyPoll(SAFETY_POLL).build()).build());
    }

    @AfterAll
    static void stop() throws Exception {
        receivers.shutdownNow();
        second.close();
    }

    private static TransferKey key() {
        return new TransferKey("202601010000007001", "hetero_lr_0", 0, "m." + TAGS.incrementAndGet(), "guest", PARTY,
                "host", PARTY);
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    /** A receive in the first process, started once its thread waits in the store for a wake. */
    private static CompletableFuture<byte[]> waitingReceive(TransferKey key, AbortSignal abort) {
        return WaitingReceives.start(first.node().transferChannel(), key, abort, receivers);
    }

    /** How many messages the site's processes have tried to store: t_transfer's id sequence. */
    private static long storesSoFar() {
        return first.node().database().dsl().fetchSingle("select last_value from t_transfer_f_id_seq")
                .get(0, Long.class);
    }

    private static List<Integer> listeners() {
        return first.node().database().dsl().fetch("select pid from pg_stat_activity where datname = "
                // its last statement: a LISTEN, or the probe it sends when nothing was heard for a while
                + "current_database() and application_name = ? and (query like 'LISTEN %' or query = 'SELECT 1')",
                DatabaseNotifications.APPLICATION_NAME).getValues(0, Integer.class);
    }

    /** What became of a message sent to a receive already waiting in the first process. */
    private record Delivery(long stored, long handedOver) {}

    /** Sends {@code payload} through {@code from} to a receive waiting in the first process, which must get it. */
    private static Delivery toAWaitingReceive(TransferChannel from, byte[] payload) throws Exception {
        TransferKey key = key();
        CompletableFuture<byte[]> received = waitingReceive(key, AbortSignal.NEVER);
        long stores = storesSoFar();
        long handedOver = first.node().transfers().handedOver();
        from.send(key, payload);
        assertThat(received.get(60, TimeUnit.SECONDS)).isEqualTo(payload);
        assertThat(first.node().transfers().exists(key)).isFalse();
        return new Delivery(storesSoFar() - stores, first.node().transfers().handedOver() - handedOver);
    }

    @Test
    void aSmallMessageCommittedByAnotherProcessWakesTheReceive() throws Exception {
        // the receive waits in the other process: the message goes through the table
        assertThat(toAWaitingReceive(second.transferChannel(), bytes(1000, 1))).isEqualTo(new Delivery(1, 0));
    }

    @Test
    void aLargeMessageCommittedByAnotherProcessInItsOwnTransactionWakesTheReceive() throws Exception {
        // above the group commit size: chunk by chunk in a transaction of its own, its NOTIFY at the commit
        assertThat(toAWaitingReceive(second.transferChannel(), bytes((3 << 20) + 17, 2)))
                .isEqualTo(new Delivery(1, 0));
    }

    @Test
    void aSmallMessageForAReceiveWaitingInTheSameProcessIsHandedOverAndNeverStored() throws Exception {
        assertThat(toAWaitingReceive(first.node().transferChannel(), bytes(200, 3))).isEqualTo(new Delivery(0, 1));
    }

    @Test
    void aLargeMessageForAReceiveWaitingInTheSameProcessStillGoesThroughTheTable() throws Exception {
        // above the group commit size: never held whole in memory, so never handed over
        assertThat(toAWaitingReceive(first.node().transferChannel(), bytes((2 << 20) + 5, 7)))
                .isEqualTo(new Delivery(1, 0));
    }

    @Test
    void aHandedOverMessageTheReceiveFailsToTakeIsStoredForAnotherTry() throws Exception {
        TransferKey key = key();
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("disk full");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("disk full");
            }
        };
        CompletableFuture<Long> failed = WaitingReceives.start(first.node().transferChannel(), key,
                AbortSignal.NEVER, broken, receivers);
        long stores = storesSoFar();
        byte[] payload = bytes(300, 8);
        first.node().transferChannel().send(key, payload);
        assertThat(catchThrowable(() -> failed.get(60, TimeUnit.SECONDS))).hasRootCauseMessage("disk full");

        assertThat(storesSoFar()).isEqualTo(stores + 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        first.node().transferChannel().receive(key, Duration.ofSeconds(30), out);
        assertThat(out.toByteArray()).isEqualTo(payload);
    }

    @Test
    void aMessageOfANewerVersionIsNotHandedOverAndEndsTheOlderVersionsWait() throws Exception {
        TransferKey key = key();
        CompletableFuture<byte[]> received = waitingReceive(key, AbortSignal.NEVER);
        long handedOver = first.node().transfers().handedOver();
        TransferKey newer = new TransferKey(key.jobId(), key.componentName(), key.taskVersion() + 1, key.tag(),
                key.srcRole(), key.srcPartyId(), key.dstRole(), key.dstPartyId());
        first.node().transferChannel().send(newer, bytes(50, 9));
        assertThat(catchThrowable(() -> received.get(60, TimeUnit.SECONDS)))
                .hasMessageContaining("runs version 1 of component hetero_lr_0");
        assertThat(first.node().transfers().handedOver()).isEqualTo(handedOver);
        assertThat(first.node().transfers().exists(newer)).isTrue();
    }

    @Test
    void aMessageCommittedWhileTheListeningConnectionIsCutIsFoundOnceItIsMadeAgain() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> listeners().size() == 2);
        List<Integer> before = listeners();
        TransferKey key = key();
        CompletableFuture<byte[]> received = waitingReceive(key, AbortSignal.NEVER);

        // both processes' listening connections are cut (as by a PostgreSQL restart or a network cut)...
        first.node().database().dsl().fetch("select pg_terminate_backend(pid) from pg_stat_activity where datname = "
                + "current_database() and application_name = ?", DatabaseNotifications.APPLICATION_NAME);
        // ...and the second process commits before its own listener, or the first's, may be back
        byte[] payload = bytes(500, 4);
        second.transferChannel().send(key, payload);
        assertThat(received.get(60, TimeUnit.SECONDS)).isEqualTo(payload);

        // both listen again, on new connections, and wake receivers as before
        await().atMost(Duration.ofSeconds(30)).until(() -> listeners().size() == 2
                && listeners().stream().noneMatch(before::contains));
        TransferKey next = key();
        CompletableFuture<byte[]> again = waitingReceive(next, AbortSignal.NEVER);
        byte[] more = bytes(700, 5);
        second.transferChannel().send(next, more);
        assertThat(again.get(60, TimeUnit.SECONDS)).isEqualTo(more);
    }

    @Test
    void anAbortEndsTheWaitWithItsFailureAndLeavesTheMessageForLater() throws Exception {
        TransferKey key = key();
        AbortSignal abort = new AbortSignal();
        CompletableFuture<byte[]> received = waitingReceive(key, abort);
        FlowException failure = new FlowException(RetCode.DATA_ERROR, FailureKind.ALREADY_EXISTS,
                "the task's own message was refused", null);
        abort.abort(failure);
        Throwable thrown = catchThrowable(() -> received.get(60, TimeUnit.SECONDS));
        assertThat(thrown).hasCauseReference(failure);

        // a later receive watching the aborted signal fails at once; one not watching it still gets the message
        byte[] payload = bytes(100, 6);
        second.transferChannel().send(key, payload);
        assertThat(catchThrowable(() -> CompletableFuture.supplyAsync(() -> first.node().transferChannel()
                .receive(key, Duration.ofMinutes(5), new ByteArrayOutputStream(), abort), receivers).join()))
                .isInstanceOf(CompletionException.class).hasCauseReference(failure);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        first.node().transferChannel().receive(key, Duration.ofSeconds(30), out);
        assertThat(out.toByteArray()).isEqualTo(payload);
    }
}
