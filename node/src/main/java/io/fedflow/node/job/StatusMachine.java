package io.fedflow.node.job;

import static io.fedflow.node.job.JobStatus.CANCELED;
import static io.fedflow.node.job.JobStatus.FAILED;
import static io.fedflow.node.job.JobStatus.PASS;
import static io.fedflow.node.job.JobStatus.READY;
import static io.fedflow.node.job.JobStatus.RUNNING;
import static io.fedflow.node.job.JobStatus.SUCCESS;
import static io.fedflow.node.job.JobStatus.TIMEOUT;
import static io.fedflow.node.job.JobStatus.WAITING;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** FATE's allowed status transitions for jobs and tasks; every status update is guarded by these. */
public final class StatusMachine {
    private static final Map<JobStatus, Set<JobStatus>> JOB = new EnumMap<>(JobStatus.class);
    private static final Map<JobStatus, Set<JobStatus>> TASK = new EnumMap<>(JobStatus.class);

    static {
        JOB.put(READY, EnumSet.of(WAITING, CANCELED, TIMEOUT, FAILED));
        JOB.put(WAITING, EnumSet.of(RUNNING, CANCELED, TIMEOUT, FAILED, SUCCESS, PASS));
        JOB.put(RUNNING, EnumSet.of(CANCELED, TIMEOUT, FAILED, SUCCESS));
        JOB.put(CANCELED, EnumSet.of(WAITING));
        JOB.put(TIMEOUT, EnumSet.of(FAILED, SUCCESS, WAITING));
        JOB.put(FAILED, EnumSet.of(WAITING));
        JOB.put(SUCCESS, EnumSet.of(WAITING));
        JOB.put(PASS, EnumSet.noneOf(JobStatus.class));

        TASK.put(WAITING, EnumSet.of(RUNNING, SUCCESS, PASS));
        TASK.put(RUNNING, EnumSet.of(CANCELED, TIMEOUT, FAILED, PASS, SUCCESS));
        TASK.put(CANCELED, EnumSet.of(WAITING));
        TASK.put(TIMEOUT, EnumSet.of(FAILED, SUCCESS));
        TASK.put(READY, EnumSet.noneOf(JobStatus.class));
        TASK.put(FAILED, EnumSet.noneOf(JobStatus.class));
        TASK.put(SUCCESS, EnumSet.noneOf(JobStatus.class));
        TASK.put(PASS, EnumSet.noneOf(JobStatus.class));
    }

    private StatusMachine() {}

    public static boolean jobCan(JobStatus from, JobStatus to) {
        return JOB.get(from).contains(to);
    }

    public static boolean taskCan(JobStatus from, JobStatus to) {
        return TASK.get(from).contains(to);
    }

    /** The statuses a job may move to {@code to} from. */
    public static Set<JobStatus> jobSources(JobStatus to) {
        Set<JobStatus> out = EnumSet.noneOf(JobStatus.class);
        JOB.forEach((from, tos) -> {
            if (tos.contains(to)) {
                out.add(from);
            }
        });
        return out;
    }

    public static Set<JobStatus> taskSources(JobStatus to) {
        Set<JobStatus> out = EnumSet.noneOf(JobStatus.class);
        TASK.forEach((from, tos) -> {
            if (tos.contains(to)) {
                out.add(from);
            }
        });
        return out;
    }

    public static JobStatus parse(String wire) {
        return JobStatus.valueOf(wire.toUpperCase(Locale.ROOT));
    }
}
