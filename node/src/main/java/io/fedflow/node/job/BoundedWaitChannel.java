package io.fedflow.node.job;

import io.fedflow.node.component.FederationChannel;
import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.proto.RetCode;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A task's channel whose waits for a peer's message are bounded and visible. Components wait in short
 * slices (to notice a stop) and would otherwise wait forever for a peer that died, was stopped, or runs
 * another task version; here the wait for one message is counted across slices, shown on the job's
 * {@link WaitBoard} while it lasts, and fails the task (ABORTED, which no component retries) with the
 * reason once it passed the node's peer message timeout. Sends to a party that does not answer are
 * tried again within the same bound.
 */
final class BoundedWaitChannel implements FederationChannel {
    /** Between sends to a party that did not answer (each send already retries a few times itself). */
    static final Duration RESEND_PAUSE = Duration.ofSeconds(1);

    private final FederationChannel delegate;
    private final Duration patience;
    private final WaitBoard board;
    private final Clock clock;
    private final String jobId;
    private final String waiter;
    private final long taskVersion;
    private final Runnable checkCancelled;
    private String waitingFor;
    private long since;

    BoundedWaitChannel(FederationChannel delegate, Duration patience, WaitBoard board, Clock clock, String jobId,
                       String waiter, long taskVersion, Runnable checkCancelled) {
        this.checkCancelled = checkCancelled;
        this.delegate = delegate;
        this.patience = patience;
        this.board = board;
        this.clock = clock;
        this.jobId = jobId;
        this.waiter = waiter;
        this.taskVersion = taskVersion;
    }

    @Override
    public Map<String, List<String>> roles() {
        return delegate.roles();
    }

    @Override
    public void send(String tag, String dstRole, String dstPartyId, byte[] payload) {
        sending(tag, dstRole, dstPartyId, () -> delegate.send(tag, dstRole, dstPartyId, payload));
    }

    @Override
    public void send(String tag, String dstRole, String dstPartyId, InputStream payload) {
        sending(tag, dstRole, dstPartyId, () -> delegate.send(tag, dstRole, dstPartyId, payload));
    }

    /**
     * A send is a wait too: while the peer's site does not answer (a restart, a network cut) the send is
     * tried again, up to the peer message timeout, rather than failing the task at the first outage.
     */
    private void sending(String tag, String dstRole, String dstPartyId, Runnable send) {
        String what = "message " + tag + " to " + dstRole + " " + dstPartyId;
        // sends run behind the task (one per destination) while it waits for a message: an entry each
        String name = waiter + " sends to " + dstRole + " " + dstPartyId;
        long start = clock.millis();
        board.put(jobId, name, waiter + " (version " + taskVersion + ") sends " + what + " since "
                + WaitBoard.since(start));
        try {
            while (true) {
                try {
                    send.run();
                    return;
                } catch (FlowException e) {
                    if (e.retCode() != RetCode.CONNECTION_ERROR) {
                        throw e;
                    }
                    long left = start + patience.toMillis() - clock.millis();
                    if (left <= 0) {
                        throw new FlowException(RetCode.CONNECTION_ERROR, FailureKind.ABORTED, "could not send " + what
                                + " within the peer message timeout of " + patience.toSeconds() + " s (task version "
                                + taskVersion + " of job " + jobId + "): " + e.getMessage(), e);
                    }
                    board.put(jobId, name, waiter + " (version " + taskVersion + ") sends " + what + " since "
                            + WaitBoard.since(start) + ": party " + dstPartyId + " does not answer");
                    checkCancelled.run();
                    pause(Math.min(RESEND_PAUSE.toMillis(), left));
                    checkCancelled.run();
                }
            }
        } finally {
            board.remove(jobId, name);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlowException(RetCode.FEDERATED_ERROR, "interrupted while waiting to send again");
        }
    }

    @Override
    public byte[] receive(String tag, String srcRole, String srcPartyId, Duration timeout) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        receive(tag, srcRole, srcPartyId, timeout, out);
        return out.toByteArray();
    }

    @Override
    public synchronized long receive(String tag, String srcRole, String srcPartyId, Duration timeout,
                                     OutputStream out) {
        String what = "message " + tag + " from " + srcRole + " " + srcPartyId;
        long now = clock.millis();
        if (!what.equals(waitingFor)) {
            waitingFor = what;
            since = now;
        }
        long left = since + patience.toMillis() - now;
        if (left <= 0) {
            throw gaveUp(what);
        }
        board.put(jobId, waiter, waiter + " (version " + taskVersion + ") waits for " + what + " since "
                + WaitBoard.since(since));
        try {
            long n = delegate.receive(tag, srcRole, srcPartyId, Duration.ofMillis(Math.min(timeout.toMillis(), left)),
                    out);
            waitingFor = null;
            return n;
        } catch (FlowException e) {
            if (e.kind() == FailureKind.TIMED_OUT && clock.millis() - since >= patience.toMillis()) {
                throw gaveUp(what);
            }
            throw e;
        } finally {
            board.remove(jobId, waiter);
        }
    }

    private FlowException gaveUp(String what) {
        return new FlowException(RetCode.FEDERATED_ERROR, FailureKind.ABORTED, "no " + what + " within the peer "
                + "message timeout of " + patience.toSeconds() + " s (task version " + taskVersion + " of job " + jobId
                + "): the peer's task is not running this version, failed, or its party does not answer", null);
    }
}
