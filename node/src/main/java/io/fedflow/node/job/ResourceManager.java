package io.fedflow.node.job;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.core.FlowException;
import io.fedflow.proto.RetCode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cores this node lends to jobs. A job holds {@code task_cores × task_parallelism} cores from the moment
 * it starts until it ends; a job that does not fit waits in the queue.
 */
public final class ResourceManager {
    public static final String ENGINE = "FEDFLOW";

    private final int totalCores;
    private final long totalMemory;
    private final Map<String, Integer> held = new LinkedHashMap<>();

    public ResourceManager(int totalCores, long totalMemory) {
        this.totalCores = totalCores;
        this.totalMemory = totalMemory;
    }

    public int totalCores() {
        return totalCores;
    }

    /** Refuses at submit a job that could never fit. */
    public void checkFits(int cores) {
        if (cores > totalCores) {
            throw new FlowException(RetCode.OPERATING_ERROR, "the job needs " + cores + " cores (task_cores × "
                    + "task_parallelism) but this node has " + totalCores);
        }
    }

    public synchronized boolean apply(String jobId, int cores) {
        if (held.containsKey(jobId)) {
            return true;
        }
        if (remaining() < cores) {
            return false;
        }
        held.put(jobId, cores);
        return true;
    }

    /** Returns what a job holds; true if it held anything. */
    public synchronized boolean release(String jobId) {
        return held.remove(jobId) != null;
    }

    public synchronized int remaining() {
        return totalCores - held.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** The jobs holding cores here now. */
    public synchronized List<String> holders() {
        return List.copyOf(held.keySet());
    }

    /** FATE's computing engine resource, with an empty {@code use_resource_job} list unless {@code withJobs}. */
    public synchronized ObjectNode describe(boolean withJobs) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        ObjectNode engine = o.putObject("computing_engine_resource");
        engine.put("f_engine_type", "computing");
        engine.put("f_engine_name", ENGINE);
        engine.put("f_cores", totalCores);
        engine.put("f_memory", totalMemory);
        engine.put("f_remaining_cores", remaining());
        engine.put("f_remaining_memory", totalMemory);
        ArrayNode jobs = o.putArray("use_resource_job");
        if (withJobs) {
            held.forEach((job, cores) -> jobs.addObject().put("job_id", job).put("core", cores).put("memory", 0));
        }
        return o;
    }
}
