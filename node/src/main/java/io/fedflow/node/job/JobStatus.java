package io.fedflow.node.job;

import java.util.Locale;

/** FATE's job and task statuses, printed in lower case. */
public enum JobStatus {
    READY, WAITING, RUNNING, CANCELED, TIMEOUT, FAILED, PASS, SUCCESS;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isEnd() {
        return this == CANCELED || this == TIMEOUT || this == FAILED || this == PASS || this == SUCCESS;
    }
}
