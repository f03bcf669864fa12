package io.fedflow.node.job;

import io.fedflow.node.FlowException;
import io.fedflow.node.RetCode;
import io.fedflow.node.component.FederationChannel;
import io.grpc.Status;
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
 * reason once it passed the node's peer message timeout.
 */
final class BoundedWaitChannel implements FederationChannel {
    private final FederationChannel delegate;
    private final Duration patience;
    private final WaitBoard board;
    private final Clock clock;
    private final String jobId;
    private final String waiter;
    private final long taskVersion;
    private String waitingFor;
    private long since;

    BoundedWaitChannel(FederationChannel delegate, Duration patience, WaitBoard board, Clock clock, String jobId,
                       String waiter, long taskVersion) {
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
        delegate.send(tag, dstRole, dstPartyId, payload);
    }

    @Override
    public void send(String tag, String dstRole, String dstPartyId, InputStream payload) {
        delegate.send(tag, dstRole, dstPartyId, payload);
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
            if (e.grpcCode() == Status.Code.DEADLINE_EXCEEDED && clock.millis() - since >= patience.toMillis()) {
                throw gaveUp(what);
            }
            throw e;
        } finally {
            board.remove(jobId, waiter);
        }
    }

    private FlowException gaveUp(String what) {
        return new FlowException(RetCode.FEDERATED_ERROR, Status.Code.ABORTED, "no " + what + " within the peer "
                + "message timeout of " + patience.toSeconds() + " s (task version " + taskVersion + " of job " + jobId
                + "): the peer's task is not running this version, failed, or its party does not answer", null);
    }
}
