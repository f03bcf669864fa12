package io.fedflow.node.data;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.core.BoardLinks;
import io.fedflow.node.core.NodeConfig;
import java.util.function.LongSupplier;

/**
 * The one-task local jobs data runs while the caller waits (upload, download to a file, the writer): their DSL
 * and runtime conf as FATE records them, the run that marks the job succeeded or failed, and the fields of
 * FATE's submit answer they share.
 */
final class DataJobs {
    private DataJobs() {}

    /** A DSL of the one component. */
    static ObjectNode dsl(String component, String module) {
        ObjectNode dsl = JsonNodeFactory.instance.objectNode();
        dsl.putObject("components").putObject(component).put("module", module);
        return dsl;
    }

    /** FATE's runtime conf of a local job: party 0 as initiator and only party, the component's parameters. */
    static ObjectNode runtimeConf(String component, ObjectNode params, ObjectNode jobParameters) {
        ObjectNode conf = JsonNodeFactory.instance.objectNode();
        conf.putObject("initiator").put("role", "local").put("party_id", 0);
        conf.putObject("role").putArray("local").add(0);
        conf.put("dsl_version", 2);
        if (jobParameters != null) {
            conf.set("job_parameters", jobParameters);
        }
        conf.putObject("component_parameters").putObject("role").putObject("local").putObject("0")
                .set(component, params);
        return conf;
    }

    /** Starts the job, runs {@code work} and ends the job as it ended; answers what {@code work} answered. */
    static long run(LocalJobs jobs, String jobId, String component, String module, ObjectNode params,
                    ObjectNode jobParameters, LongSupplier work) {
        jobs.start(new LocalJobs.LocalJob(jobId, "local", UploadService.LOCAL_PARTY, component, module,
                dsl(component, module), runtimeConf(component, params, jobParameters), params, ""));
        try {
            long result = work.getAsLong();
            jobs.succeed(jobId);
            return result;
        } catch (RuntimeException e) {
            jobs.fail(jobId, e.getMessage());
            throw e;
        }
    }

    /** The fields of FATE's submit answer every such job gives; callers add their own. */
    static ObjectNode submitAnswer(NodeConfig config, BoardLinks board, String jobId, TableId table) {
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        d.put("board_url", board.jobPage(jobId, "local", "0"));
        d.put("code", 0);
        d.put("job_id", jobId);
        d.put("logs_directory", config.logsDir().resolve(jobId).toString());
        d.put("message", "success");
        d.putObject("model_info").put("model_id", "local-0#model").put("model_version", jobId);
        d.put("namespace", table.namespace());
        d.put("table_name", table.name());
        return d;
    }
}
