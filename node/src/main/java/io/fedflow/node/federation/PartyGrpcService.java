package io.fedflow.node.federation;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.job.JobParticipant;
import io.fedflow.node.job.JobStatus;
import io.fedflow.node.job.RemoteParties;
import io.fedflow.node.job.StatusMachine;
import io.fedflow.node.wire.FateJson;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.CollectTasksReply;
import io.fedflow.proto.v1.PartyCreateJobRequest;
import io.fedflow.proto.v1.PartyJobRequest;
import io.fedflow.proto.v1.PartyReply;
import io.fedflow.proto.v1.PartyRerunJobRequest;
import io.fedflow.proto.v1.PartyRetryTaskRequest;
import io.fedflow.proto.v1.PartyServiceGrpc;
import io.fedflow.proto.v1.PartyStopJobRequest;
import io.fedflow.proto.v1.PartySyncJobStatusRequest;
import io.fedflow.proto.v1.PartyTask;
import io.fedflow.proto.v1.PartyUpdateParametersRequest;
import io.fedflow.proto.v1.PingReply;
import io.fedflow.proto.v1.PingRequest;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * The party services over gRPC: a thin adapter. The caller is the verified source party that
 * {@link SiteVerifyingInterceptor} put in the call's context; failures travel as statuses with the
 * retcode trailer (the site server's exception handler).
 */
public final class PartyGrpcService extends PartyServiceGrpc.PartyServiceImplBase {
    private static final PartyReply OK = PartyReply.newBuilder().setRetmsg("success").build();

    private final String thisParty;
    private final JobParticipant jobs;
    private final Clock clock;

    public PartyGrpcService(String thisParty, JobParticipant jobs, Clock clock) {
        this.thisParty = thisParty;
        this.jobs = jobs;
        this.clock = clock;
    }

    private static String caller() {
        return SiteVerifyingInterceptor.sourceParty();
    }

    private static <T> void answer(StreamObserver<T> out, Supplier<T> body) {
        out.onNext(body.get());
        out.onCompleted();
    }

    @Override
    public void createJob(PartyCreateJobRequest r, StreamObserver<PartyReply> out) {
        answer(out, () -> {
            jobs.create(caller(), new RemoteParties.CreateJob(r.getJobId(), r.getInitiatorRole(),
                    r.getInitiatorPartyId(), r.getDslJson(), r.getRuntimeConfJson(), r.getRuntimeConfOnPartyJson()));
            return OK;
        });
    }

    @Override
    public void applyResources(PartyJobRequest r, StreamObserver<PartyReply> out) {
        answer(out, () -> jobs.applyResources(caller(), r.getJobId()) ? OK
                : PartyReply.newBuilder().setRetcode(RetCode.OPERATING_ERROR.code()).setRetmsg("party " + thisParty
                        + " has not the cores of job " + r.getJobId() + " free now").build());
    }

    @Override
    public void returnResources(PartyJobRequest r, StreamObserver<PartyReply> out) {
        answer(out, () -> {
            jobs.returnResources(caller(), r.getJobId());
            return OK;
        });
    }

    @Override
    public void startJob(PartyJobRequest r, StreamObserver<PartyReply> out) {
        answer(out, () -> {
            jobs.start(caller(), r.getJobId());
            return OK;
        });
    }

    @Override
    public void stopJob(PartyStopJobRequest r, StreamObserver<PartyReply> out) {
        answer(out, () -> {
            jobs.stop(caller(), r.getJobId(), stopStatus(r.getStopStatus()), r.getReason());
            return OK;
        });
    }

    private static JobStatus stopStatus(String s) {
        JobStatus status = status(s);
        if (status != JobStatus.CANCELED && status != JobStatus.FAILED) {
            throw FlowException.argument("stop_status must be canceled or failed, got " + s);
        }
        return status;
    }

    private static JobStatus status(String s) {
        try {
            return StatusMachine.parse(s);
        } catch (IllegalArgumentException e) {
            throw FlowException.argument("status " + s + " is not a job status");
        }
    }

    @Override
    public void syncJobStatus(PartySyncJobStatusRequest r, StreamObserver<PartyReply> out) {
        answer(out, () -> {
            jobs.syncStatus(caller(), r.getJobId(), status(r.getStatus()),
                    r.getErrorReport().isEmpty() ? null : r.getErrorReport());
            return OK;
        });
    }

    @Override
    public void collectTasks(PartyJobRequest r, StreamObserver<CollectTasksReply> out) {
        answer(out, () -> {
            RemoteParties.Collected c = jobs.collect(caller(), r.getJobId());
            CollectTasksReply.Builder b = CollectTasksReply.newBuilder().setJobStatus(c.jobStatus());
            for (RemoteParties.RemoteTask t : c.tasks()) {
                b.addTasks(PartyTask.newBuilder().setTaskId(t.taskId()).setTaskVersion(t.taskVersion())
                        .setComponentName(t.componentName()).setRole(t.role()).setPartyId(t.partyId())
                        .setStatus(t.status()).setPartyStatus(t.partyStatus())
                        .setStartTime(t.startTime() == null ? 0 : t.startTime())
                        .setEndTime(t.endTime() == null ? 0 : t.endTime()).setUpdateTime(t.updateTime())
                        .setErrorReport(t.errorReport() == null ? "" : t.errorReport()));
            }
            return b.build();
        });
    }

    @Override
    public void rerunJob(PartyRerunJobRequest r, StreamObserver<PartyReply> out) {
        answer(out, () -> {
            jobs.rerun(caller(), r.getJobId(), r.getComponentNamesList(), r.getForce(),
                    r.getTaskVersionsMap());
            return OK;
        });
    }

    @Override
    public void retryTask(PartyRetryTaskRequest r, StreamObserver<PartyReply> out) {
        answer(out, () -> {
            jobs.retryTask(caller(), r.getJobId(), r.getComponentName(), r.getTaskVersion(),
                    r.getAutoRetries(), r.getReason());
            return OK;
        });
    }

    @Override
    public void updateParameters(PartyUpdateParametersRequest r, StreamObserver<PartyReply> out) {
        answer(out, () -> {
            jobs.updateParameters(caller(), r.getJobId(), json(r.getJobParametersJson()),
                    json(r.getComponentParametersJson()));
            return OK;
        });
    }

    private static JsonNode json(String s) {
        if (s.isEmpty()) {
            return null;
        }
        try {
            return FateJson.MAPPER.readTree(s);
        } catch (IOException e) {
            throw FlowException.argument("parameters are not JSON: " + e.getMessage());
        }
    }

    @Override
    public void cleanJob(PartyJobRequest r, StreamObserver<PartyReply> out) {
        answer(out, () -> {
            jobs.clean(caller(), r.getJobId());
            return OK;
        });
    }

    @Override
    public void ping(PingRequest r, StreamObserver<PingReply> out) {
        answer(out, () -> PingReply.newBuilder().setPartyId(thisParty).setTimeMs(clock.millis())
                .setPayload(r.getPayload()).build());
    }
}
