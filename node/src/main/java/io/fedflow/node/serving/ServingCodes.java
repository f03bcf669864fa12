package io.fedflow.node.serving;

import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;

/**
 * FATE-Serving's inference codes: the low three digits say what failed, the leading digit where (1 the guest,
 * 2 a host), so that a client reading FATE-Serving's answers reads ours the same way.
 */
final class ServingCodes {
    static final int GUEST = 1000;
    static final int HOST = 2000;

    static final int PARAM_ERROR = 100;
    static final int FEATURE_ERROR = 102;
    static final int MODEL_NOT_FOUND = 104;
    static final int NETWORK_ERROR = 105;
    static final int SYSTEM_ERROR = 110;
    static final int FEATURE_NOT_FOUND = 113;
    static final int REQUEST_PARAM_ERROR = 120;
    static final int SERVICE_NOT_FOUND = 122;
    static final int PAYLOAD_ERROR = 124;

    private ServingCodes() {}

    static FlowException guest(int code, FailureKind kind, String message) {
        return FlowException.withRetcode(GUEST + code, kind, message);
    }

    static FlowException host(int code, FailureKind kind, String message) {
        return FlowException.withRetcode(HOST + code, kind, message);
    }
}
