package io.fedflow.cli;

import io.fedflow.proto.v1.CleanQueueRequest;
import io.fedflow.proto.v1.JobServiceGrpc;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code flow queue clean}. */
@Command(name = "queue", mixinStandardHelpOptions = true, description = "Queue Operations")
final class QueueCommand {
    @ParentCommand
    FlowCli flow;

    @Command(name = "clean", mixinStandardHelpOptions = true,
            description = "Cancel every waiting job this node initiated.")
    int clean() {
        return flow.call(channel -> JobServiceGrpc.newBlockingStub(channel)
                .cleanQueue(CleanQueueRequest.getDefaultInstance()));
    }
}
