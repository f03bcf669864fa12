package io.fedflow.cli;

import io.fedflow.proto.v1.JobServiceGrpc;
import io.fedflow.proto.v1.ListTasksRequest;
import io.fedflow.proto.v1.QueryTaskRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code flow task ...}. */
@Command(name = "task", mixinStandardHelpOptions = true, description = "Task Operations")
final class TaskCommand {
    @ParentCommand
    FlowCli flow;

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List tasks, oldest first.")
    int list(@Option(names = {"-l", "--limit"}, defaultValue = "10",
                     description = "At most this many (default: ${DEFAULT-VALUE}).") int limit,
             @Option(names = {"-j", "--job-id"}, description = "Only this job's tasks.") String jobId) {
        ListTasksRequest.Builder request = ListTasksRequest.newBuilder().setLimit(limit);
        if (jobId != null) {
            request.setJobId(jobId);
        }
        return flow.call(channel -> JobServiceGrpc.newBlockingStub(channel).listTasks(request.build()));
    }

    @Command(name = "query", mixinStandardHelpOptions = true,
            description = "Query tasks (each task's latest version); every filter given must match.")
    int query(@Option(names = {"-j", "--job-id"}) String jobId,
              @Option(names = {"-cpn", "--component-name"}) String component,
              @Option(names = {"-r", "--role"}) String role,
              @Option(names = {"-p", "--party-id"}) String partyId,
              @Option(names = {"-s", "--status"}) String status) {
        QueryTaskRequest.Builder request = QueryTaskRequest.newBuilder();
        if (jobId != null) {
            request.setJobId(jobId);
        }
        if (component != null) {
            request.setComponentName(component);
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
        return flow.call(channel -> JobServiceGrpc.newBlockingStub(channel).queryTask(request.build()));
    }
}
