package io.fedflow.node.federation;

import com.google.protobuf.ByteString;
import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.ClientFactoryBuilder;
import com.linecorp.armeria.client.grpc.GrpcClientBuilder;
import com.linecorp.armeria.client.grpc.GrpcClients;
import dev.failsafe.FailsafeException;
import dev.failsafe.FailsafeExecutor;
import io.fedflow.auth.site.SiteCallSigner;
import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.core.Limits;
import io.fedflow.node.job.JobStatus;
import io.fedflow.node.job.RemoteParties;
import io.fedflow.node.wire.SiteMessages;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.CollectTasksReply;
import io.fedflow.proto.v1.PartyCreateJobRequest;
import io.fedflow.proto.v1.PartyJobRequest;
import io.fedflow.proto.v1.PartyReply;
import io.fedflow.proto.v1.PartyRerunJobRequest;
import io.fedflow.proto.v1.PartyRetryTaskRequest;
import io.fedflow.proto.v1.PartyServiceGrpc.PartyServiceBlockingStub;
import io.fedflow.proto.v1.PartyStopJobRequest;
import io.fedflow.proto.v1.PartySyncJobStatusRequest;
import io.fedflow.proto.v1.PartyTask;
import io.fedflow.proto.v1.PartyUpdateParametersRequest;
import io.fedflow.proto.v1.PingReply;
import io.fedflow.proto.v1.PingRequest;
import io.fedflow.proto.v1.TransferServiceGrpc.TransferServiceStub;
import io.grpc.ClientInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.AbstractStub;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signed gRPC calls to the other parties: a stub per peer (rebuilt when the route table changes),
 * a deadline on every call, and bounded retries with exponential backoff and full jitter when the
 * peer cannot be reached ({@link SiteRetry}). A refusal by the peer (its retcode in the {@code fate-retcode} trailer) is
 * never retried: it is the answer.
 */
public final class PartyClient implements RemoteParties, AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(PartyClient.class);

    /** How hard to try: attempts in all, the first backoff, the backoff cap, and each call's deadline. */
    public record RetryPolicy(int attempts, Duration firstBackoff, Duration maxBackoff, Duration deadline) {
        public static final RetryPolicy DEFAULT = new RetryPolicy(4, Duration.ofMillis(250), Duration.ofSeconds(2),
                Duration.ofSeconds(10));
        /**
         * The scheduler's rounds (collect, re-sync): they come back every few seconds anyway, so one
         * short retry is enough and a party that is down does not hold the other jobs up.
         */
        public static final RetryPolicy ROUND = new RetryPolicy(2, Duration.ofMillis(200), Duration.ofMillis(200),
                Duration.ofSeconds(5));
        /** Stop must reach every party within seconds: fewer, shorter tries. */
        public static final RetryPolicy STOP = new RetryPolicy(2, Duration.ofMillis(200), Duration.ofMillis(500),
                Duration.ofSeconds(3));

        /**
         * One attempt within {@code deadline}: for a call whose failure the caller undoes (a retry after a
         * save that timed out would find the save there and be refused).
         */
        public static RetryPolicy once(Duration deadline) {
            return new RetryPolicy(1, Duration.ofMillis(250), Duration.ofMillis(250), deadline);
        }

        /** The pause before retry {@code attempt + 1}: full jitter in the upper half, never over the cap. */
        Duration backoff(int attempt) {
            long cap = Math.min(maxBackoff.toMillis(), firstBackoff.toMillis() << Math.min(attempt, 20));
            return Duration.ofMillis(ThreadLocalRandom.current().nextLong(cap / 2, cap + 1));
        }
    }

    private record Stubs(String address, PartyServiceBlockingStub party, TransferServiceStub transfer) {}

    private final PeerDirectory peers;
    private final SiteCallSigner signer;
    private final ClientFactory factory;
    private final RetryPolicy policy;
    private final ClientInterceptor tracing;
    private final Map<String, Stubs> stubs = new ConcurrentHashMap<>();
    private final Map<String, Object> siteStubs = new ConcurrentHashMap<>();
    /** Made once per policy: a policy has nothing of the call in it. */
    private final Map<RetryPolicy, FailsafeExecutor<Object>> retriesByPolicy = new ConcurrentHashMap<>();

    public PartyClient(PeerDirectory peers, SiteCallSigner signer, ClientFactory factory, RetryPolicy policy) {
        this(peers, signer, factory, policy, null);
    }

    /** With {@code tracing} (see {@link SiteTracing#client()}) putting trace context on every call; null: none. */
    public PartyClient(PeerDirectory peers, SiteCallSigner signer, ClientFactory factory, RetryPolicy policy,
                       ClientInterceptor tracing) {
        this.peers = peers;
        this.signer = signer;
        this.factory = factory;
        this.policy = policy;
        this.tracing = tracing;
        // A changed address or key takes effect at the next call.
        peers.onChange(d -> {
            stubs.clear();
            siteStubs.clear();
        });
    }

    public static ClientFactory defaultFactory() {
        return factoryBuilder().build();
    }

    /** A factory taking HTTP/2 frames of up to {@code http2FrameBytes} ({@link Limits#siteHttp2FrameBytes()}). */
    public static ClientFactory defaultFactory(int http2FrameBytes) {
        return factoryBuilder(http2FrameBytes).build();
    }

    /** The timeouts every site client uses, for a factory that adds its own TLS settings. */
    public static ClientFactoryBuilder factoryBuilder() {
        return factoryBuilder(Limits.DEFAULT_SITE_HTTP2_FRAME_BYTES);
    }

    /**
     * As {@link #factoryBuilder()}, advertising {@code http2FrameBytes} as the largest HTTP/2 frame the client
     * takes: a peer's answer, and the frames a peer's site port sends, come in frames up to this.
     */
    public static ClientFactoryBuilder factoryBuilder(int http2FrameBytes) {
        return ClientFactory.builder()
                .connectTimeout(Duration.ofSeconds(3))
                .idleTimeout(Duration.ofMinutes(5))
                .pingInterval(Duration.ofSeconds(30))
                .http2MaxFrameSize(http2FrameBytes);
    }

    private Stubs stubs(String partyId) {
        Peer peer = peer(partyId);
        Stubs s = stubs.get(partyId);
        if (s != null && s.address().equals(peer.address() + peer.tls())) {
            return s;
        }
        var builder = siteClient(partyId, peer);
        s = new Stubs(peer.address() + peer.tls(), builder.build(PartyServiceBlockingStub.class),
                builder.build(TransferServiceStub.class));
        stubs.put(partyId, s);
        return s;
    }

    private Peer peer(String partyId) {
        return peers.find(partyId).orElseThrow(() -> new FlowException(RetCode.FEDERATED_ERROR,
                "party " + partyId + " is not a peer of this site: add it with /v1/site/peer/add"));
    }

    private GrpcClientBuilder siteClient(String partyId, Peer peer) {
        String uri = (peer.tls() ? "https://" : "http://") + peer.address();
        var builder = GrpcClients.builder(uri).factory(factory);
        if (tracing != null) {
            builder.intercept(tracing);
        }
        return builder
                .intercept(new SiteSigningInterceptor(signer, partyId))
                .maxRequestMessageLength(SiteMessages.MAX_BYTES)
                .maxResponseMessageLength(SiteMessages.MAX_BYTES)
                // The per-call deadline governs; Armeria's own response timeout would cut streams.
                .responseTimeoutMillis(0);
    }

    /**
     * Calls a site service another domain owns (its blocking stub type), signed and with the policy's deadline
     * and retries, as the party calls are; the peer's refusal comes back as a FlowException with its retcode.
     */
    public <S extends AbstractStub<S>, T> T callSite(String partyId, String what, RetryPolicy p, Class<S> stubType,
                                                    Function<S, T> call) {
        return call(partyId, what, p, () -> siteStub(partyId, stubType), call);
    }

    private <S extends AbstractStub<S>> S siteStub(String partyId, Class<S> stubType) {
        Peer peer = peer(partyId);
        String key = partyId + "|" + peer.address() + "|" + peer.tls() + "|" + stubType.getName();
        return stubType.cast(siteStubs.computeIfAbsent(key, k -> siteClient(partyId, peer).build(stubType)));
    }

    /** The transfer stub of a peer, for the transfer channel (which streams and sets its own deadline). */
    TransferServiceStub transfer(String partyId) {
        return stubs(partyId).transfer();
    }

    /**
     * Runs {@code call} against {@code partyId} with the policy's deadline and retries ({@link SiteRetry}): each
     * attempt takes the peer's current stub and is signed anew.
     */
    <T> T call(String partyId, String what, RetryPolicy p, Function<PartyServiceBlockingStub, T> call) {
        return call(partyId, what, p, () -> stubs(partyId).party(), call);
    }

    private <S extends AbstractStub<S>, T> T call(String partyId, String what, RetryPolicy p, Supplier<S> stub,
                                                  Function<S, T> call) {
        FailsafeExecutor<Object> retries = retriesByPolicy.computeIfAbsent(p,
                q -> SiteRetry.shared(q, PartyClient::retryable));
        try {
            return retries.get(ctx -> {
                try {
                    return call.apply(stub.get().withDeadlineAfter(p.deadline().toMillis(), TimeUnit.MILLISECONDS));
                } catch (RuntimeException e) {
                    if (retryable(e)) {
                        logger.debug("{} at party {} failed (attempt {}): {}", what, partyId,
                                ctx.getAttemptCount() + 1, e.toString());
                    }
                    throw e;
                }
            });
        } catch (StatusRuntimeException e) {
            String retcode = retcode(e);
            if (retcode != null) {
                throw refusal(partyId, what, Integer.parseInt(retcode), e.getStatus());
            }
            if (!retryable(e)) {
                throw new FlowException(RetCode.FEDERATED_ERROR, RemoteStatuses.kindOf(e.getStatus().getCode()), "party " + partyId
                        + " failed to " + what + ": " + describe(e.getStatus()), e);
            }
            Peer peer = peers.find(partyId).orElse(null);
            return throwUnreachable(partyId, what, p, e, peer);
        } catch (FailsafeException e) {
            // the only checked failure: interrupted between attempts (Failsafe has set the flag again)
            throw new FlowException(RetCode.FEDERATED_ERROR, "interrupted while retrying a site call");
        }
    }

    private static String retcode(StatusRuntimeException e) {
        return e.getTrailers() == null ? null : e.getTrailers().get(RetCode.TRAILER);
    }

    /** A transport failure: the peer was not reached or did not answer. Its refusals (a retcode) are answers. */
    private static boolean retryable(Throwable t) {
        return t instanceof StatusRuntimeException e && retcode(e) == null && retryable(e.getStatus().getCode());
    }

    private static <T> T throwUnreachable(String partyId, String what, RetryPolicy p, StatusRuntimeException last,
                                          Peer peer) {
        RetCode code = last.getStatus().getCode() == Status.Code.UNAVAILABLE ? RetCode.CONNECTION_ERROR
                : RetCode.FEDERATED_ERROR;
        throw new FlowException(code, FailureKind.UNREACHABLE, "party " + partyId
                + (peer == null ? "" : " at " + peer.address()) + " could not " + what + " after " + p.attempts()
                + " attempts: " + describe(last.getStatus()), last);
    }

    private static boolean retryable(Status.Code code) {
        return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED
                || code == Status.Code.RESOURCE_EXHAUSTED || code == Status.Code.UNKNOWN;
    }

    static FlowException refusal(String partyId, String what, int retcode, Status status) {
        RetCode code = RetCode.EXCEPTION_ERROR;
        for (RetCode c : RetCode.values()) {
            if (c.code() == retcode) {
                code = c;
            }
        }
        String prefix = "party " + partyId + " refused to " + what
                + (code.code() == retcode ? "" : " (code " + retcode + ")") + ": ";
        return new FlowException(code, RemoteStatuses.kindOf(status.getCode()), prefix + describe(status), null);
    }

    private static String describe(Status s) {
        return s.getDescription() != null ? s.getDescription() : s.getCode().name();
    }

    private static PartyJobRequest job(String jobId) {
        return PartyJobRequest.newBuilder().setJobId(jobId).build();
    }

    @Override
    public void create(String partyId, CreateJob job) {
        call(partyId, "create job " + job.jobId(), policy, s -> s.createJob(PartyCreateJobRequest.newBuilder()
                .setJobId(job.jobId()).setInitiatorRole(job.initiatorRole())
                .setInitiatorPartyId(job.initiatorPartyId()).setDslJson(job.dslJson())
                .setRuntimeConfJson(job.runtimeConfJson()).setRuntimeConfOnPartyJson(job.runtimeConfOnPartyJson())
                .build()));
    }

    @Override
    public boolean applyResources(String partyId, String jobId) {
        PartyReply r = call(partyId, "apply resources for job " + jobId, policy, s -> s.applyResources(job(jobId)));
        return r.getRetcode() == 0;
    }

    @Override
    public void returnResources(String partyId, String jobId) {
        call(partyId, "return resources of job " + jobId, policy, s -> s.returnResources(job(jobId)));
    }

    @Override
    public void start(String partyId, String jobId) {
        call(partyId, "start job " + jobId, policy, s -> s.startJob(job(jobId)));
    }

    @Override
    public void stop(String partyId, String jobId, JobStatus status, String reason) {
        call(partyId, "stop job " + jobId, RetryPolicy.STOP, s -> s.stopJob(PartyStopJobRequest.newBuilder()
                .setJobId(jobId).setStopStatus(status.wire()).setReason(reason == null ? "" : reason).build()));
    }

    @Override
    public void syncStatus(String partyId, String jobId, JobStatus status, String errorReport) {
        // a party that misses it is asked again by the scheduler's next rounds
        call(partyId, "take status " + status.wire() + " of job " + jobId, RetryPolicy.ROUND,
                s -> s.syncJobStatus(PartySyncJobStatusRequest.newBuilder().setJobId(jobId).setStatus(status.wire())
                        .setErrorReport(errorReport == null ? "" : errorReport).build()));
    }

    @Override
    public Collected collect(String partyId, String jobId) {
        CollectTasksReply r = call(partyId, "report tasks of job " + jobId, RetryPolicy.ROUND,
                s -> s.collectTasks(job(jobId)));
        return new Collected(r.getJobStatus(), r.getTasksList().stream().map(PartyClient::task).toList());
    }

    private static RemoteTask task(PartyTask t) {
        return new RemoteTask(t.getTaskId(), t.getTaskVersion(), t.getComponentName(), t.getRole(), t.getPartyId(),
                t.getStatus(), t.getPartyStatus(), t.getStartTime() == 0 ? null : t.getStartTime(),
                t.getEndTime() == 0 ? null : t.getEndTime(), t.getUpdateTime(),
                t.getErrorReport().isEmpty() ? null : t.getErrorReport());
    }

    @Override
    public void rerun(String partyId, String jobId, List<String> components, boolean force,
                      Map<String, Long> taskVersions) {
        call(partyId, "rerun job " + jobId, policy, s -> s.rerunJob(PartyRerunJobRequest.newBuilder().setJobId(jobId)
                .addAllComponentNames(components).setForce(force).putAllTaskVersions(taskVersions).build()));
    }

    @Override
    public void retryTask(String partyId, String jobId, String componentName, long taskVersion, int autoRetries,
                          String reason) {
        call(partyId, "retry component " + componentName + " of job " + jobId + " at version " + taskVersion, policy,
                s -> s.retryTask(PartyRetryTaskRequest.newBuilder().setJobId(jobId)
                        .setComponentName(componentName).setTaskVersion(taskVersion).setAutoRetries(autoRetries)
                        .setReason(reason == null ? "" : reason).build()));
    }

    @Override
    public void clean(String partyId, String jobId) {
        call(partyId, "clean job " + jobId, policy, s -> s.cleanJob(job(jobId)));
    }

    @Override
    public void updateParameters(String partyId, String jobId, String jobParametersJson,
                                 String componentParametersJson) {
        call(partyId, "update the parameters of job " + jobId, policy, s -> s.updateParameters(
                PartyUpdateParametersRequest.newBuilder().setJobId(jobId)
                        .setJobParametersJson(jobParametersJson == null ? "" : jobParametersJson)
                        .setComponentParametersJson(componentParametersJson == null ? "" : componentParametersJson)
                        .build()));
    }

    /** One round trip, for probes and the benchmark. */
    public PingReply ping(String partyId, byte[] payload) {
        return call(partyId, "answer a ping", policy, s -> s.ping(PingRequest.newBuilder()
                .setPayload(ByteString.copyFrom(payload)).build()));
    }

    @Override
    public void close() {
        stubs.clear();
        siteStubs.clear();
    }
}
