package io.fedflow.node.core;

import io.fedflow.proto.RetCode;

/**
 * A failure a caller should see: it carries FATE's retcode, the {@link FailureKind} the servers derive a
 * gRPC or HTTP status from, and a message that says what is wrong. Services, interceptors and the HTTP
 * services throw it; the servers' error handlers alone turn it into an answer.
 */
public final class FlowException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final RetCode retCode;
    private final int retcode;
    private final FailureKind kind;

    public FlowException(RetCode retCode, String message) {
        this(retCode, FailureKind.of(retCode), message, null);
    }

    public FlowException(RetCode retCode, FailureKind kind, String message, Throwable cause) {
        this(retCode, retCode.code(), kind, message, cause);
    }

    private FlowException(RetCode retCode, int retcode, FailureKind kind, String message, Throwable cause) {
        super(message, cause);
        this.retCode = retCode;
        this.retcode = retcode;
        this.kind = kind;
    }

    /**
     * A failure whose retcode came from elsewhere (a hook's answer, a peer's trailer) and may be none of
     * FATE's named codes; {@link #retCode()} is then {@code EXCEPTION_ERROR}, {@link #retcode()} the number.
     */
    public static FlowException withRetcode(int retcode, FailureKind kind, String message) {
        RetCode named = RetCode.EXCEPTION_ERROR;
        for (RetCode c : RetCode.values()) {
            if (c.code() == retcode) {
                named = c;
            }
        }
        return new FlowException(named, retcode, kind, message, null);
    }

    public static FlowException argument(String message) {
        return new FlowException(RetCode.ARGUMENT_ERROR, message);
    }

    public static FlowException data(String message) {
        return new FlowException(RetCode.DATA_ERROR, message);
    }

    /** Something named does not exist; FATE answers 101 for this, gRPC clients get NOT_FOUND. */
    public static FlowException notFound(String message) {
        return new FlowException(RetCode.ARGUMENT_ERROR, FailureKind.NOT_FOUND, message, null);
    }

    public RetCode retCode() {
        return retCode;
    }

    /** The retcode on the wire: {@code retCode().code()} unless it came from elsewhere as another number. */
    public int retcode() {
        return retcode;
    }

    public FailureKind kind() {
        return kind;
    }
}
