package io.fedflow.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.JobRef;
import io.fedflow.proto.v1.JobServiceGrpc;
import io.fedflow.proto.v1.QueryJobRequest;
import io.fedflow.proto.v1.SubmitJobRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code flow test toy}: FATE's check that two sites can run a job together. FATE's toy job is a secure-add
 * component over generated numbers, which Fedflow does not have; the smallest real two-party job here is Reader,
 * DataTransform and Intersection over the example tables {@code experiment.breast_hetero_guest} (at the guest) and
 * {@code experiment.breast_hetero_host} (at the host), which must be uploaded and granted beforehand, as FATE's
 * {@code flow test min} expects its tables.
 */
@Command(name = "test", mixinStandardHelpOptions = true, description = "FATE Flow Test Operations")
final class TestCommand {
    static final String TOY_DSL = """
            {"components": {
              "reader_0": {"module": "Reader", "output": {"data": ["data"]}},
              "data_transform_0": {"module": "DataTransform", "input": {"data": {"data": ["reader_0.data"]}},
                                   "output": {"data": ["data"], "model": ["model"]}},
              "intersection_0": {"module": "Intersection", "input": {"data": {"data": ["data_transform_0.data"]}},
                                 "output": {"data": ["data"]}}}}""";

    @ParentCommand
    FlowCli flow;

    static String toyConf(String guest, String host, int taskCores) {
        return """
                {"dsl_version": 2, "initiator": {"role": "guest", "party_id": "%s"},
                 "role": {"guest": ["%s"], "host": ["%s"]},
                 "job_parameters": {"common": {"task_cores": %d}},
                 "component_parameters": {"role": {
                   "guest": {"0": {"reader_0": {"table": {"name": "breast_hetero_guest", "namespace": "experiment"}},
                                   "data_transform_0": {"with_label": true, "label_name": "y"}}},
                   "host": {"0": {"reader_0": {"table": {"name": "breast_hetero_host", "namespace": "experiment"}},
                                  "data_transform_0": {"with_label": false}}}}}}"""
                .formatted(guest, guest, host, taskCores);
    }

    @Command(name = "toy", mixinStandardHelpOptions = true,
            description = "Run a small two-party job (Reader, DataTransform, Intersection on the breast_hetero example "
                    + "tables) from the guest, poll it once a second, then download its logs into ./logs/toy.")
    int toy(@Option(names = {"-gid", "--guest-party-id"}, required = true) String guest,
            @Option(names = {"-hid", "--host-party-id"}, required = true) String host,
            @Option(names = {"--timeout"}, defaultValue = "60", description = "Seconds to wait (default 60).")
            int timeout,
            @Option(names = {"--task-cores"}, defaultValue = "2") int taskCores,
            @Option(names = {"-o", "--output-path"}, defaultValue = "./logs/toy",
                    description = "Where the job's logs go (default ./logs/toy, as FATE's).") Path logs) {
        ManagedChannel channel = null;
        try {
            channel = Channels.open(flow.server);
            return runToy(channel, guest, host, timeout, taskCores, logs);
        } catch (StatusRuntimeException e) {
            return flow.print(Envelope.fromStatus(e, flow.server));
        } catch (IOException | RuntimeException e) {
            return flow.print(Envelope.failure(100, e.toString()));
        } finally {
            if (channel != null) {
                Channels.close(channel);
            }
        }
    }

    private int runToy(ManagedChannel channel, String guest, String host, int timeout, int taskCores, Path logs)
            throws IOException {
        var jobs = JobServiceGrpc.newBlockingStub(channel);
        FlowResponse submitted = jobs.submitJob(SubmitJobRequest.newBuilder()
                .setJobDsl(struct(TOY_DSL)).setJobRuntimeConf(struct(toyConf(guest, host, taskCores))).build());
        if (submitted.getRetcode() != 0) {
            return flow.print(submitted);
        }
        PrintWriter out = flow.spec.commandLine().getOut();
        String jobId = submitted.getJobId();
        String status = "";
        boolean ended = false;
        for (int t = 0; t < timeout && !ended; t++) {
            FlowResponse r = jobs.queryJob(QueryJobRequest.newBuilder().setJobId(jobId).addRole("guest")
                    .addPartyId(guest).build());
            if (r.getRetcode() == 0 && r.getData().getListValue().getValuesCount() > 0) {
                status = r.getData().getListValue().getValues(0).getStructValue()
                        .getFieldsOrDefault("f_status", Value.getDefaultInstance()).getStringValue();
                out.println("toy test job " + jobId + " is " + status);
                out.flush();
                ended = JobCommand.END_STATUSES.contains(status);
            }
            if (!ended) {
                sleepASecond();
            }
        }
        if (!ended) {
            out.println("check job status timeout");
        }
        Path dir = logs.toAbsolutePath().normalize().resolve("job_" + jobId + "_log");
        Archives.downloadAndExtract(jobs.downloadJobLog(JobRef.newBuilder().setJobId(jobId).build()), dir);
        if ("success".equals(status)) {
            out.println("toy test job " + jobId + " success: guest " + guest + " and host " + host
                    + " ran Reader, DataTransform and Intersection together");
        }
        out.println("job logs: " + dir);
        out.flush();
        return "success".equals(status) ? 0 : 1;
    }

    private static Struct struct(String json) throws InvalidProtocolBufferException {
        Struct.Builder b = Struct.newBuilder();
        JsonFormat.parser().merge(json, b);
        return b.build();
    }

    private static void sleepASecond() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the toy job", e);
        }
    }
}
