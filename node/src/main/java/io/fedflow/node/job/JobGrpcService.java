package io.fedflow.node.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Struct;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.wire.FateJson;
import io.fedflow.node.wire.FileStreams;
import io.fedflow.node.wire.Responses;
import io.fedflow.proto.v1.CleanJobRequest;
import io.fedflow.proto.v1.CleanQueueRequest;
import io.fedflow.proto.v1.DataChunk;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.GenerateDslRequest;
import io.fedflow.proto.v1.JobRef;
import io.fedflow.proto.v1.JobServiceGrpc;
import io.fedflow.proto.v1.ListJobsRequest;
import io.fedflow.proto.v1.ListTasksRequest;
import io.fedflow.proto.v1.QueryJobRequest;
import io.fedflow.proto.v1.QueryTaskRequest;
import io.fedflow.proto.v1.RerunJobRequest;
import io.fedflow.proto.v1.StopJobRequest;
import io.fedflow.proto.v1.SubmitJobRequest;
import io.fedflow.proto.v1.UpdateJobParametersRequest;
import io.fedflow.proto.v1.UpdateJobRequest;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** gRPC adapter of jobs and tasks. */
public final class JobGrpcService extends JobServiceGrpc.JobServiceImplBase {
    /** The statuses a job ends in, as printed. */
    private static final Set<String> ENDED = Arrays.stream(JobStatus.values()).filter(JobStatus::isEnd)
            .map(JobStatus::wire).collect(Collectors.toUnmodifiableSet());

    private final JobService jobs;
    private final JobQueryCache cache;

    JobGrpcService(JobService jobs, JobQueryCache cache) {
        this.jobs = jobs;
        this.cache = cache;
    }

    private static void reply(StreamObserver<FlowResponse> out, FlowResponse r) {
        out.onNext(r);
        out.onCompleted();
    }

    static JsonNode json(boolean present, Struct s) {
        return present ? FateJson.toJson(s) : null;
    }

    @Override
    public void submitJob(SubmitJobRequest r, StreamObserver<FlowResponse> out) {
        JsonNode dsl = r.hasJobDsl() ? FateJson.toJson(r.getJobDsl()) : json(r.hasDsl(), r.getDsl());
        JsonNode conf = r.hasJobRuntimeConf() ? FateJson.toJson(r.getJobRuntimeConf())
                : json(r.hasRuntimeConf(), r.getRuntimeConf());
        JobService.Submitted s = jobs.submit(dsl, conf);
        reply(out, Responses.ok("success", s.data(), s.jobId()));
    }

    @Override
    public void stopJob(StopJobRequest r, StreamObserver<FlowResponse> out) {
        jobs.stop(r.getJobId(), r.getStopStatus());
        reply(out, Responses.ok("stop job on this party success; stop job on all party success", null, null));
    }

    @Override
    public void rerunJob(RerunJobRequest r, StreamObserver<FlowResponse> out) {
        List<String> rerun = jobs.rerun(r.getJobId(), r.getComponentNameList(), r.getForce());
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        d.put("job_id", r.getJobId());
        rerun.forEach(d.putArray("components")::add);
        reply(out, Responses.ok("rerun job success", d, null));
    }

    @Override
    public void queryJob(QueryJobRequest r, StreamObserver<FlowResponse> out) {
        JobFilter filter = JobFilter.builder()
                .text("job_id", r.getJobId()).text("name", r.getName()).text("description", r.getDescription())
                .text("role", r.getRoleList()).text("party_id", r.getPartyIdList()).text("status", r.getStatusList())
                .text("tag", r.getTagList()).text("initiator_role", r.getInitiatorRoleList())
                .text("initiator_party_id", r.getInitiatorPartyIdList())
                .isInitiator(r.hasIsInitiator() ? FateJson.toJson(r.getIsInitiator()) : null)
                .range("progress", r.hasProgress() ? FateJson.toJson(r.getProgress()) : null)
                .range("create_time", r.hasCreateTime() ? FateJson.toJson(r.getCreateTime()) : null)
                .range("update_time", r.hasUpdateTime() ? FateJson.toJson(r.getUpdateTime()) : null)
                .range("start_time", r.hasStartTime() ? FateJson.toJson(r.getStartTime()) : null)
                .range("end_time", r.hasEndTime() ? FateJson.toJson(r.getEndTime()) : null)
                .range("elapsed", r.hasElapsed() ? FateJson.toJson(r.getElapsed()) : null)
                .build();
        JobQueryCache.Lookup lookup = cache.enabled() && r.getOrderBy().isBlank() && JobQueryStore.isIdLookup(filter)
                ? new JobQueryCache.Lookup(one(filter, "job_id"), one(filter, "role"), one(filter, "party_id")) : null;
        if (lookup != null) {
            FlowResponse kept = cache.get(lookup);
            if (kept != null) {
                reply(out, kept);
                return;
            }
        }
        long generation = cache.generation();
        var rows = jobs.query(filter, r.getOrderBy(), r.getReverse());
        // The call clients poll: its rows are printed once, here, not carried as a protobuf Value.
        FlowResponse answer = Responses.printed(rows.isEmpty() ? "no job could be found" : "success", rows);
        if (lookup != null && onlySettled(rows)) {
            cache.put(lookup, answer, generation);
        }
        reply(out, answer);
    }

    private static String one(JobFilter f, String column) {
        List<String> values = f.text().get(column);
        return values == null ? null : values.get(0);
    }

    /**
     * Whether every row's answer depends on its t_job row alone: none waits, is ready or runs (their place in
     * the queue and what they wait for change without a write of the row).
     */
    private static boolean onlySettled(JsonNode rows) {
        for (JsonNode row : rows) {
            if (!ENDED.contains(row.path("f_status").asText()) || row.has("f_queue_position")
                    || row.has("f_waiting_for")) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void listJobs(ListJobsRequest r, StreamObserver<FlowResponse> out) {
        reply(out, Responses.ok(jobs.list(r.getLimit(), r.getPage(), r.getJobId(), r.getDescription(),
                r.getPartyId(), r.getRoleList(), r.getStatusList(), r.getOrderBy(), r.getOrder())));
    }

    @Override
    public void updateJob(UpdateJobRequest r, StreamObserver<FlowResponse> out) {
        jobs.update(r.getJobId(), r.getRole(), r.getPartyId(), r.getNotes());
        reply(out, Responses.ok());
    }

    @Override
    public void updateJobParameters(UpdateJobParametersRequest r, StreamObserver<FlowResponse> out) {
        reply(out, Responses.ok(jobs.updateParameters(r.getJobId(), json(r.hasJobParameters(), r.getJobParameters()),
                json(r.hasComponentParameters(), r.getComponentParameters()))));
    }

    @Override
    public void jobConfig(JobRef r, StreamObserver<FlowResponse> out) {
        reply(out, Responses.ok(jobs.config(r.getJobId(), r.getRole(), r.getPartyId())));
    }

    @Override
    public void jobLogPath(JobRef r, StreamObserver<FlowResponse> out) {
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        d.put("logs_directory", jobs.logDirectory(r.getJobId()).toString());
        reply(out, Responses.ok(d));
    }

    /** The job's logs as a tar.gz, streamed with backpressure (the same bytes as POST /v1/job/log/download). */
    @Override
    public void downloadJobLog(JobRef r, StreamObserver<DataChunk> out) {
        Path dir = jobs.logDirectory(r.getJobId());
        FileStreams.grpc(out, o -> JobLogArchive.write(dir, o), () -> { });
    }

    @Override
    public void queryTask(QueryTaskRequest r, StreamObserver<FlowResponse> out) {
        reply(out, Responses.ok(jobs.queryTasks(r.getJobId(), r.getComponentName(), r.getRole(), r.getPartyId(),
                r.getStatus(), r.getTaskId(), r.hasTaskVersion() ? r.getTaskVersion() : null,
                !r.hasOnlyLatest() || r.getOnlyLatest())));
    }

    @Override
    public void listTasks(ListTasksRequest r, StreamObserver<FlowResponse> out) {
        reply(out, Responses.ok(jobs.listTasks(r.getLimit(), r.getPage(), r.getJobId(), r.getRole(), r.getPartyId(),
                r.getComponentName(), r.getOrderBy(), r.getOrder())));
    }

    @Override
    public void cleanJob(CleanJobRequest r, StreamObserver<FlowResponse> out) {
        reply(out, Responses.ok(jobs.clean(r.getJobId(), r.getRole(), r.getPartyId(), r.getComponentName())));
    }

    @Override
    public void cleanQueue(CleanQueueRequest r, StreamObserver<FlowResponse> out) {
        reply(out, Responses.ok(jobs.cleanQueue()));
    }

    @Override
    public void generateDsl(GenerateDslRequest r, StreamObserver<FlowResponse> out) {
        JsonNode train;
        if (r.getTrainDsl().hasStringValue()) {
            try {
                train = FateJson.MAPPER.readTree(r.getTrainDsl().getStringValue());
            } catch (IOException e) {
                throw FlowException.argument("train_dsl is not valid JSON: " + e.getMessage());
            }
        } else if (r.getTrainDsl().hasStructValue()) {
            train = FateJson.toJson(r.getTrainDsl().getStructValue());
        } else {
            throw FlowException.argument("required argument are missing: train_dsl");
        }
        List<String> keep = new ArrayList<>();
        r.getCpnStrList().forEach(c -> keep.add(c.trim()));
        reply(out, Responses.ok(jobs.generatePredictDsl(train, keep)));
    }
}
