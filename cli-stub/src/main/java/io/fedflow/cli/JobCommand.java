package io.fedflow.cli;

import com.google.protobuf.ListValue;
import com.google.protobuf.Value;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.JobServiceGrpc;
import io.fedflow.proto.v1.QueryJobRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code flow job ...}. */
@Command(name = "job", mixinStandardHelpOptions = true, description = "Job Operations")
final class JobCommand {
    @ParentCommand
    FlowCli flow;

    @Command(name = "query", mixinStandardHelpOptions = true, description = "Query jobs; every filter given must match.")
    int query(@Option(names = {"-j", "--job-id"}) String jobId,
              @Option(names = {"-r", "--role"}) String role,
              @Option(names = {"-p", "--party-id"}) String partyId,
              @Option(names = {"-s", "--status"}) String status) {
        QueryJobRequest.Builder request = QueryJobRequest.newBuilder();
        if (jobId != null) {
            request.setJobId(jobId);
        }
        if (role != null) {
            request.setRole(role);
        }
        if (partyId != null) {
            request.setPartyId(partyId);
        }
        if (status != null) {
            request.setStatus(status);
        }
        return flow.call(channel -> withoutConfs(JobServiceGrpc.newBlockingStub(channel).queryJob(request.build())));
    }

    /** FATE's CLI drops each record's f_runtime_conf and f_dsl before printing: they are long and the rest is what people read. */
    private static FlowResponse withoutConfs(FlowResponse response) {
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
