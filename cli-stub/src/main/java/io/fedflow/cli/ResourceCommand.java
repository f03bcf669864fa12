package io.fedflow.cli;

import io.fedflow.proto.v1.QueryResourceRequest;
import io.fedflow.proto.v1.ResourceServiceGrpc;
import io.fedflow.proto.v1.ReturnResourceRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code flow resource ...}: the cores this node lends to jobs. */
@Command(name = "resource", mixinStandardHelpOptions = true, description = "Resource Manager")
final class ResourceCommand {
    @ParentCommand
    FlowCli flow;

    @Command(name = "query", mixinStandardHelpOptions = true,
            description = "The node's resources and the jobs holding some.")
    int query() {
        return flow.call(channel -> ResourceServiceGrpc.newBlockingStub(channel)
                .queryResource(QueryResourceRequest.getDefaultInstance()));
    }

    @Command(name = "return", mixinStandardHelpOptions = true, description = "Return an ended job's resources.")
    int giveBack(@Option(names = {"-j", "--job-id"}, required = true) String jobId) {
        return flow.call(channel -> ResourceServiceGrpc.newBlockingStub(channel)
                .returnResource(ReturnResourceRequest.newBuilder().setJobId(jobId).build()));
    }
}
