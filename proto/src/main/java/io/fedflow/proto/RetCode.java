package io.fedflow.proto;

import io.grpc.Metadata;
import io.grpc.Status;

/**
 * FATE-Flow's return codes, as its clients read them from {@code retcode}: the one list the node, auth
 * and the CLI share. A failed gRPC call carries its retcode in the {@link #TRAILER} ({@code fate-retcode}),
 * since a gRPC status has no room for it.
 */
public enum RetCode {
    SUCCESS(0),
    NOT_EFFECTIVE(10),
    EXCEPTION_ERROR(100),
    ARGUMENT_ERROR(101),
    DATA_ERROR(102),
    OPERATING_ERROR(103),
    FEDERATED_ERROR(104),
    CONNECTION_ERROR(105),
    RUNNING(106),
    INCOMPATIBLE_FATE_VER(107),
    PERMISSION_ERROR(108),
    AUTHENTICATION_ERROR(109),
    /** Tracking's "nothing to show" (no metric, no output data, no summary): FATE answers HTTP 210 for it. */
    NO_DATA(210);

    /** The trailer of a failed gRPC call that carries its retcode, in decimal. */
    public static final Metadata.Key<String> TRAILER =
            Metadata.Key.of("fate-retcode", Metadata.ASCII_STRING_MARSHALLER);

    private final int code;

    RetCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /**
     * The retcode for a gRPC status that came without a {@link #TRAILER} (parse errors, deadlines, a peer
     * that is not a node): the node and the CLI read such statuses the same way.
     */
    public static int forStatus(Status.Code status) {
        return switch (status) {
            case OK -> SUCCESS.code;
            case INVALID_ARGUMENT, NOT_FOUND, OUT_OF_RANGE -> ARGUMENT_ERROR.code;
            case FAILED_PRECONDITION, ALREADY_EXISTS, ABORTED, UNIMPLEMENTED -> OPERATING_ERROR.code;
            case PERMISSION_DENIED -> PERMISSION_ERROR.code;
            case UNAUTHENTICATED -> AUTHENTICATION_ERROR.code;
            case UNAVAILABLE, DEADLINE_EXCEEDED -> CONNECTION_ERROR.code;
            default -> EXCEPTION_ERROR.code;
        };
    }
}
