package io.fedflow.node;

/** FATE-Flow's return codes, as its clients read them from {@code retcode}. */
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
    AUTHENTICATION_ERROR(109);

    private final int code;

    RetCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
