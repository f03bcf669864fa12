package io.fedflow.cli;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.CleanJobRequest;
import io.fedflow.proto.v1.ComponentRef;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.GenerateDslRequest;
import io.fedflow.proto.v1.JobRef;
import io.fedflow.proto.v1.JobServiceGrpc;
import io.fedflow.proto.v1.ListJobsRequest;
import io.fedflow.proto.v1.QueryJobRequest;
import io.fedflow.proto.v1.RerunJobRequest;
import io.fedflow.proto.v1.StopJobRequest;
import io.fedflow.proto.v1.SubmitJobRequest;
import io.fedflow.proto.v1.TrackingServiceGrpc;
import io.fedflow.proto.v1.UpdateJobParametersRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code flow job ...}. */
@Command(name = "job", mixinStandardHelpOptions = true, description = "Job Operations")
final class JobCommand {
    static final Set<String> END_STATUSES = Set.of("success", "failed", "canceled", "timeout");

    @ParentCommand
    FlowCli flow;

    @Command(name = "submit", mixinStandardHelpOptions = true,
            description = "Submit a job: a runtime conf (-c) and a DSL (-d), both v2.")
    int submit(@Option(names = {"-c", "--conf-path"}, required = true, description = "Runtime conf (JSON).")
               Path confPath,
               @Option(names = {"-d", "--dsl-path"}, required = true, description = "DSL (JSON).") Path dslPath) {
        return flow.call(channel -> {
            SubmitJobRequest request = SubmitJobRequest.newBuilder()
                    .setJobRuntimeConf(ConfFile.read(confPath))
                    .setJobDsl(ConfFile.read(dslPath))
                    .build();
            return JobServiceGrpc.newBlockingStub(channel).submitJob(request);
        });
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop a waiting or running job.")
    int stop(@Option(names = {"-j", "--job-id"}, required = true) String jobId) {
        return flow.call(channel -> JobServiceGrpc.newBlockingStub(channel)
                .stopJob(StopJobRequest.newBuilder().setJobId(jobId).build()));
    }

    @Command(name = "rerun", mixinStandardHelpOptions = true,
            description = "Rerun an ended job: the named components and everything downstream "
                    + "(every component that did not succeed when none is named).")
    int rerun(@Option(names = {"-j", "--job-id"}, required = true) String jobId,
              @Option(names = {"-cpn", "--component-name"}, split = ",",
                      description = "Components to rerun (comma-separated).") String[] components,
              @Option(names = "--force", description = "Also rerun components that succeeded.") boolean force) {
        RerunJobRequest.Builder request = RerunJobRequest.newBuilder().setJobId(jobId).setForce(force);
        if (components != null) {
            for (String c : components) {
                if (!c.isBlank()) {
                    request.addComponentName(c.trim());
                }
            }
        }
        return flow.call(channel -> JobServiceGrpc.newBlockingStub(channel).rerunJob(request.build()));
    }

    @Command(name = "query", mixinStandardHelpOptions = true, description = "Query jobs; every filter given must match.")
    int query(@Option(names = {"-j", "--job-id"}) String jobId,
              @Option(names = {"-r", "--role"}) String role,
              @Option(names = {"-p", "--party-id"}) String partyId,
              @Option(names = {"-s", "--status"}) String status,
              @Option(names = "--watch", description = "Poll every second, printing status and progress on stderr, "
                      + "until the job ends.") boolean watch) {
        QueryJobRequest.Builder request = QueryJobRequest.newBuilder();
        if (jobId != null) {
            request.setJobId(jobId);
        }
        if (role != null) {
            request.addRole(role);
        }
        if (partyId != null) {
            request.addPartyId(partyId);
        }
        if (status != null) {
            request.addStatus(status);
        }
        return flow.call(channel -> {
            var stub = JobServiceGrpc.newBlockingStub(channel);
            FlowResponse r = stub.queryJob(request.build());
            String last = null;
            while (watch && r.getRetcode() == 0 && r.getData().getListValue().getValuesCount() > 0) {
                Struct job = r.getData().getListValue().getValues(0).getStructValue();
                String s = job.getFieldsOrDefault("f_status", Value.getDefaultInstance()).getStringValue();
                long progress = (long) job.getFieldsOrDefault("f_progress", Value.getDefaultInstance()).getNumberValue();
                String waitingFor = job.getFieldsOrDefault("f_waiting_for", Value.getDefaultInstance())
                        .getStringValue();
                String line = job.getFieldsOrDefault("f_job_id", Value.getDefaultInstance()).getStringValue() + " "
                        + s + " " + progress + "%" + (waitingFor.isEmpty() ? "" : " (waiting for: " + waitingFor + ")");
                if (!line.equals(last)) {
                    flow.err().println(line);
                    flow.err().flush();
                    last = line;
                }
                if (END_STATUSES.contains(s)) {
                    break;
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                r = stub.queryJob(request.build());
            }
            return withoutConfs(r);
        });
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List jobs, newest first.")
    int list(@Option(names = {"-l", "--limit"}, defaultValue = "10",
                     description = "At most this many (default: ${DEFAULT-VALUE}).") int limit) {
        return flow.call(channel -> JobServiceGrpc.newBlockingStub(channel)
                .listJobs(ListJobsRequest.newBuilder().setLimit(limit).build()));
    }

    @Command(name = "view", mixinStandardHelpOptions = true,
            description = "A job's data view: partners, datasets read by role and party, roles.")
    int view(@Option(names = {"-j", "--job-id"}, required = true) String jobId,
             @Option(names = {"-r", "--role"}) String role,
             @Option(names = {"-p", "--party-id"}) String partyId) {
        ComponentRef.Builder request = ComponentRef.newBuilder().setJobId(jobId);
        if (role != null) {
            request.setRole(role);
        }
        if (partyId != null) {
            request.setPartyId(partyId);
        }
        return flow.call(channel -> TrackingServiceGrpc.newBlockingStub(channel).dataView(request.build()));
    }

    @Command(name = "parameter-update", mixinStandardHelpOptions = true,
            description = "Change an ended job's job_parameters and component_parameters before a rerun (conf: "
                    + "the parts to change, merged into the job's conf at every party).")
    int parameterUpdate(@Option(names = {"-j", "--job-id"}, required = true) String jobId,
                        @Option(names = {"-c", "--conf-path"}, required = true,
                                description = "JSON: job_parameters and/or component_parameters.") Path confPath) {
        return flow.call(channel -> {
            // as FATE's CLI: the conf's keys with the job id beside them
            UpdateJobParametersRequest.Builder request = ConfFile.into(ConfFile.read(confPath),
                    UpdateJobParametersRequest.newBuilder(), confPath).setJobId(jobId);
            return JobServiceGrpc.newBlockingStub(channel).updateJobParameters(request.build());
        });
    }

    @Command(name = "config", mixinStandardHelpOptions = true,
            description = "Write a job's DSL and confs to OUTPUT_PATH/job_<id>_config/<key>.json.")
    int config(@Option(names = {"-j", "--job-id"}, required = true) String jobId,
               @Option(names = {"-r", "--role"}) String role,
               @Option(names = {"-p", "--party-id"}) String partyId,
               @Option(names = {"-o", "--output-path"}, required = true) Path outputPath) {
        JobRef.Builder request = JobRef.newBuilder().setJobId(jobId);
        if (role != null) {
            request.setRole(role);
        }
        if (partyId != null) {
            request.setPartyId(partyId);
        }
        Map<String, Value> extra = new LinkedHashMap<>();
        return flow.call(channel -> {
            FlowResponse r = JobServiceGrpc.newBlockingStub(channel).jobConfig(request.build());
            if (r.getRetcode() != 0) {
                return r;
            }
            Struct data = r.getData().getStructValue();
            String id = data.getFieldsOrDefault("job_id", Envelope.string(jobId)).getStringValue();
            Path dir = outputPath.toAbsolutePath().normalize().resolve("job_" + id + "_config");
            Files.createDirectories(dir);
            for (Map.Entry<String, Value> e : data.getFieldsMap().entrySet()) {
                if (!e.getKey().equals("job_id")) {
                    Files.writeString(dir.resolve(e.getKey() + ".json"),
                            Envelope.pretty(e.getValue()), StandardCharsets.UTF_8);
                }
            }
            // As FATE's CLI: the long DSL and conf are in the files, not on the screen.
            Struct.Builder shown = data.toBuilder().removeFields("dsl").removeFields("runtime_conf");
            extra.put("directory", Envelope.string(dir.toString()));
            return r.toBuilder().setRetmsg("download successfully, please check " + dir + " directory")
                    .setData(Value.newBuilder().setStructValue(shown)).build();
        }, extra);
    }

    @Command(name = "log", mixinStandardHelpOptions = true,
            description = "Download a job's logs and extract them into OUTPUT_PATH/job_<id>_log.")
    int log(@Option(names = {"-j", "--job-id"}, required = true) String jobId,
            @Option(names = {"-o", "--output-path"}, required = true) Path outputPath) {
        Map<String, Value> extra = new LinkedHashMap<>();
        return flow.call(channel -> {
            Path dir = outputPath.toAbsolutePath().normalize().resolve("job_" + jobId + "_log");
            Archives.downloadAndExtract(JobServiceGrpc.newBlockingStub(channel)
                    .downloadJobLog(JobRef.newBuilder().setJobId(jobId).build()), dir);
            extra.put("directory", Envelope.string(dir.toString()));
            return FlowResponse.newBuilder().setRetmsg("download successfully, please check " + dir + " directory")
                    .build();
        }, extra);
    }

    @Command(name = "clean", mixinStandardHelpOptions = true,
            description = "Delete what an ended job produced at this node: output tables, metrics, summaries.")
    int clean(@Option(names = {"-j", "--job-id"}, required = true) String jobId,
              @Option(names = {"-r", "--role"}) String role,
              @Option(names = {"-p", "--party-id"}) String partyId,
              @Option(names = {"-cpn", "--component-name"}) String component) {
        CleanJobRequest.Builder request = CleanJobRequest.newBuilder().setJobId(jobId);
        if (role != null) {
            request.setRole(role);
        }
        if (partyId != null) {
            request.setPartyId(partyId);
        }
        if (component != null) {
            request.setComponentName(component);
        }
        return flow.call(channel -> JobServiceGrpc.newBlockingStub(channel).cleanJob(request.build()));
    }

    @Command(name = "dsl", mixinStandardHelpOptions = true,
            description = "Generate a predict DSL from a train DSL, keeping the listed components.")
    int dsl(@Option(names = {"--train-dsl", "--train-dsl-path"}, required = true, description = "Train DSL (JSON).")
            Path trainDsl,
            @Option(names = "--cpn-list", split = ",", description = "Components to keep (comma-separated).")
            String[] cpnList,
            @Option(names = "--cpn-path", description = "A file listing the components to keep (comma- or "
                    + "line-separated).") Path cpnPath,
            @Option(names = {"-o", "--output-path"}, description = "Also write the predict DSL to this directory "
                    + "as predict_dsl.json.") Path outputPath) {
        return flow.call(channel -> {
            GenerateDslRequest.Builder request = GenerateDslRequest.newBuilder()
                    .setTrainDsl(Envelope.string(read(trainDsl))).setVersion(2);
            if (cpnList != null) {
                for (String c : cpnList) {
                    if (!c.isBlank()) {
                        request.addCpnStr(c.trim());
                    }
                }
            }
            if (cpnPath != null) {
                for (String c : read(cpnPath).split("[,\\s]+")) {
                    if (!c.isBlank()) {
                        request.addCpnStr(c.trim());
                    }
                }
            }
            if (request.getCpnStrCount() == 0) {
                throw new Envelope.Failure(RetCode.ARGUMENT_ERROR.code(), "give the components to keep: --cpn-list a,b "
                        + "or --cpn-path FILE");
            }
            FlowResponse r = JobServiceGrpc.newBlockingStub(channel).generateDsl(request.build());
            if (r.getRetcode() == 0 && outputPath != null) {
                Path file = outputPath.toAbsolutePath().normalize().resolve("predict_dsl.json");
                Files.createDirectories(file.getParent());
                Files.writeString(file, Envelope.pretty(r.getData()), StandardCharsets.UTF_8);
                return r.toBuilder().setRetmsg("New predict dsl file has been generated successfully. File path is: "
                        + file).build();
            }
            return r;
        });
    }

    private static String read(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new Envelope.Failure(RetCode.ARGUMENT_ERROR.code(), "file " + file + " does not exist");
        }
    }

    /** FATE's CLI drops each record's f_runtime_conf and f_dsl before printing: they are long and the rest is what people read. */
    static FlowResponse withoutConfs(FlowResponse response) {
        if (response.getRetcode() != 0 || !response.getData().hasListValue()) {
            return response;
        }
        ListValue.Builder jobs = ListValue.newBuilder();
        for (Value job : response.getData().getListValue().getValuesList()) {
            if (job.hasStructValue()) {
                job = Value.newBuilder().setStructValue(job.getStructValue().toBuilder()
                        .removeFields("f_runtime_conf").removeFields("f_dsl")).build();
            }
            jobs.addValues(job);
        }
        return response.toBuilder().setData(Value.newBuilder().setListValue(jobs)).build();
    }
}
