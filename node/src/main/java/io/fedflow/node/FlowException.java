package io.fedflow.node;

import io.grpc.Status;

/**
 * A failure a caller should see: it carries FATE's retcode and a message that says what is wrong.
 * The server's error mapper turns it into the envelope (JSON) or a gRPC status (gRPC).
 */
public final class FlowException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final RetCode retCode;
    private final Status.Code grpcCode;

    public FlowException(RetCode retCode, String message) {
        this(retCode, defaultGrpcCode(retCode), message, null);
    }

    public FlowException(RetCode retCode, Status.Code grpcCode, String message, Throwable cause) {
        super(message, cause);
        this.retCode = retCode;
        this.grpcCode = grpcCode;
    }

    public static FlowException argument(String message) {
        return new FlowException(RetCode.ARGUMENT_ERROR, message);
    }

    public static FlowException data(String message) {
        return new FlowException(RetCode.DATA_ERROR, message);
    }

    /** Something named does not exist; FATE answers 101 for this, gRPC clients get NOT_FOUND. */
    public static FlowException notFound(String message) {
        return new FlowException(RetCode.ARGUMENT_ERROR, Status.Code.NOT_FOUND, message, null);
    }

    public RetCode retCode() {
        return retCode;
    }

    public Status.Code grpcCode() {
        return grpcCode;
    }

    private static Status.Code defaultGrpcCode(RetCode retCode) {
        return switch (retCode) {
            case SUCCESS -> Status.Code.OK;
            case ARGUMENT_ERROR -> Status.Code.INVALID_ARGUMENT;
            case DATA_ERROR, OPERATING_ERROR, NOT_EFFECTIVE, RUNNING -> Status.Code.FAILED_PRECONDITION;
            case FEDERATED_ERROR, CONNECTION_ERROR -> Status.Code.UNAVAILABLE;
            case PERMISSION_ERROR -> Status.Code.PERMISSION_DENIED;
            case AUTHENTICATION_ERROR -> Status.Code.UNAUTHENTICATED;
            case INCOMPATIBLE_FATE_VER -> Status.Code.FAILED_PRECONDITION;
            case EXCEPTION_ERROR -> Status.Code.INTERNAL;
        };
    }
}
