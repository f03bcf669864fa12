package io.fedflow.node.job;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.data.TableCatalog;
import io.fedflow.node.data.TableId;
import io.fedflow.node.store.generated.tables.records.TJobRecord;
import io.fedflow.node.tracking.TrackingStore;
import io.fedflow.proto.RetCode;
import java.util.List;

/** FATE's job/clean: deletes what an ended job produced at this node (output tables, metrics, summaries). */
final class JobCleanup {
    private final JobStore jobs;
    private final TableCatalog catalog;
    private final TrackingStore tracking;
    private final TaskRunner runner;

    JobCleanup(JobStore jobs, TableCatalog catalog, TrackingStore tracking, TaskRunner runner) {
        this.jobs = jobs;
        this.catalog = catalog;
        this.tracking = tracking;
        this.runner = runner;
    }

    /** Deletes what a job produced at this node; refused while it runs. */
    ObjectNode clean(String jobId, String role, String partyId, String component) {
        List<TJobRecord> rows = jobs.jobRows(jobId);
        if (rows.isEmpty() || jobs.latestTasks(jobId).isEmpty()) {
            throw new FlowException(RetCode.EXCEPTION_ERROR, "no task found for job " + jobId);
        }
        JobStatus status = StatusMachine.parse(rows.get(0).getFStatus());
        if (!status.isEnd()) {
            throw new FlowException(RetCode.OPERATING_ERROR, "job " + jobId + " is " + status.wire()
                    + ": stop it before cleaning");
        }
        TrackingStore.CleanScope scope = new TrackingStore.CleanScope(jobId, role, partyId, component);
        int tables = 0;
        for (var info : tracking.outputs(scope)) {
            TableId id = new TableId(info.getFTableNamespace(), info.getFTableName());
            if (catalog.find(id).isPresent()) {
                catalog.delete(id);
                tables++;
            }
        }
        int deletedMetrics = tracking.deleteMetricsAndSummaries(scope);
        runner.deleteMessages(jobId);
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("job_id", jobId);
        o.put("deleted_tables", tables);
        o.put("deleted_metrics", deletedMetrics);
        return o;
    }
}
