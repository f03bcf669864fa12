package io.fedflow.node.core;

import io.fedflow.proto.RetCode;

/**
 * What kind of failure a {@link FlowException} is, beside its FATE retcode: the retcode is what FATE's
 * clients read, the kind is what the servers turn into a gRPC status or an HTTP status (FATE reuses one
 * retcode for failures that gRPC callers tell apart, e.g. 101 for a bad value and for an unknown id). It
 * names the failure, not a transport: the one mapping to statuses is the server's error handler.
 */
public enum FailureKind {
    /** Not a failure: a FlowException used to stop early with a success retcode. */
    NONE,
    /** The request is malformed or a value in it is wrong. */
    BAD_REQUEST,
    /** Something the request names does not exist. */
    NOT_FOUND,
    /** Something the request would create exists already. */
    ALREADY_EXISTS,
    /** The state of what the request acts on does not allow it. */
    REFUSED,
    /** The work started and was given up (a peer stopped waiting, a load was cut). */
    ABORTED,
    /** Nothing arrived within the time allowed. */
    TIMED_OUT,
    /** A peer or service could not be reached. */
    UNREACHABLE,
    /** The node is at a configured cap and sheds this call. */
    OVERLOADED,
    /** The caller is known but not allowed to do this. */
    PERMISSION_DENIED,
    /** The caller could not be authenticated. */
    UNAUTHENTICATED,
    /** The call ended before an answer (the client went away). */
    CANCELLED,
    /** A peer does not serve the call. */
    UNSUPPORTED,
    /** A fault of the node itself. */
    INTERNAL;

    /** The kind a retcode has unless the thrower says otherwise. */
    public static FailureKind of(RetCode retCode) {
        return switch (retCode) {
            case SUCCESS -> NONE;
            case ARGUMENT_ERROR -> BAD_REQUEST;
            case DATA_ERROR, OPERATING_ERROR, NOT_EFFECTIVE, RUNNING, INCOMPATIBLE_FATE_VER -> REFUSED;
            case FEDERATED_ERROR, CONNECTION_ERROR -> UNREACHABLE;
            case PERMISSION_ERROR -> PERMISSION_DENIED;
            case AUTHENTICATION_ERROR -> UNAUTHENTICATED;
            case NO_DATA -> NOT_FOUND;
            case EXCEPTION_ERROR -> INTERNAL;
        };
    }
}
