package io.fedflow.node.federation;

import io.fedflow.node.core.FailureKind;
import io.grpc.Status;

/** How a peer's gRPC status reads as a {@link FailureKind}, so its failure is relayed as the same status. */
final class RemoteStatuses {
    private RemoteStatuses() {}

    static FailureKind kindOf(Status.Code code) {
        return switch (code) {
            case OK -> FailureKind.NONE;
            case INVALID_ARGUMENT, OUT_OF_RANGE -> FailureKind.BAD_REQUEST;
            case NOT_FOUND -> FailureKind.NOT_FOUND;
            case ALREADY_EXISTS -> FailureKind.ALREADY_EXISTS;
            case FAILED_PRECONDITION -> FailureKind.REFUSED;
            case ABORTED -> FailureKind.ABORTED;
            case DEADLINE_EXCEEDED -> FailureKind.TIMED_OUT;
            case UNAVAILABLE -> FailureKind.UNREACHABLE;
            case RESOURCE_EXHAUSTED -> FailureKind.OVERLOADED;
            case PERMISSION_DENIED -> FailureKind.PERMISSION_DENIED;
            case UNAUTHENTICATED -> FailureKind.UNAUTHENTICATED;
            case CANCELLED -> FailureKind.CANCELLED;
            case UNIMPLEMENTED -> FailureKind.UNSUPPORTED;
            case INTERNAL, UNKNOWN, DATA_LOSS -> FailureKind.INTERNAL;
        };
    }
}
