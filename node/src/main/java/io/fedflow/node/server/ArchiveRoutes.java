package io.fedflow.node.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.MediaType;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.data.TableId;
import io.fedflow.node.job.JobLogArchive;
import io.fedflow.node.job.JobService;
import io.fedflow.node.job.JobTemplates;
import io.fedflow.node.model.ModelArchives;
import io.fedflow.node.tracking.OutputDataService;
import io.fedflow.node.tracking.TrackingRef;
import io.fedflow.node.tracking.TrackingService;
import io.fedflow.node.wire.FateJson;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.ComponentRef;
import io.fedflow.proto.v1.JobRef;
import io.fedflow.proto.v1.ModelArchiveRequest;
import io.fedflow.proto.v1.TableRequest;
import io.fedflow.proto.v1.TemplateRequest;
import java.nio.file.Path;

/**
 * FATE's file downloads over HTTP (tar.gz, the model export's zip), each reading the same request message as
 * its gRPC twin.
 */
public final class ArchiveRoutes {
    private ArchiveRoutes() {}

    /** {@code GET|POST /v1/tracking/component/output/data/download}: the same bytes as DownloadOutputData. */
    public static ArchiveHttpService outputData(TrackingService tracking, OutputDataService outputs) {
        return new ArchiveHttpService(body -> {
            ComponentRef.Builder b = ComponentRef.newBuilder();
            FateJson.merge(body, b);
            TrackingRef ref = tracking.ref(b.getJobId(), b.getRole(), b.getPartyId(), b.getComponentName(),
                    true);
            OutputDataService.OutputDownload d = outputs.prepareDownload(ref, b.hasLimit() ? b.getLimit() : null,
                    b.hasHead() ? b.getHead() : null);
            if (d.tables().isEmpty()) {
                throw new FlowException(RetCode.NO_DATA, "no data");
            }
            if (d.limit() == 0) {
                throw new FlowException(RetCode.NO_DATA, "limit is 0");
            }
            OutputDataService.Spooled spooled = outputs.spool(d);
            return new ArchiveHttpService.Archive(d.fileName(), spooled::writeTo, spooled::close);
        });
    }

    /**
     * {@code GET|POST /v1/table/download}: a whole table as FATE sends it ({@code name} or {@code table_name},
     * {@code namespace}, {@code head} default true); 210 for an unknown table, as FATE.
     */
    public static ArchiveHttpService tableDownload(OutputDataService outputs) {
        return new ArchiveHttpService(body -> {
            JsonNode tree = FateJson.parseBody(body);
            TableRequest.Builder b = TableRequest.newBuilder();
            FateJson.merge(tree, b);
            String name = b.getName().isEmpty() ? b.getTableName() : b.getName();
            if (name.isEmpty() || b.getNamespace().isEmpty()) {
                throw FlowException.argument("required argument are missing: name, namespace");
            }
            JsonNode head = tree.path("head");
            OutputDataService.OutputDownload d = outputs.prepareTableDownload(new TableId(b.getNamespace(), name),
                    head.isMissingNode() || head.isNull() ? null : head.asBoolean(true));
            OutputDataService.Spooled spooled = outputs.spool(d);
            return new ArchiveHttpService.Archive(d.fileName(), spooled::writeTo, spooled::close);
        });
    }

    /**
     * {@code GET|POST /v1/model/export}: the model's zip, named as FATE names it; 404 for a model this node
     * does not hold, 400 for a missing field.
     */
    public static ArchiveHttpService modelExport(ModelArchives archives) {
        return new ArchiveHttpService(MediaType.ZIP, body -> {
            ModelArchiveRequest.Builder b = ModelArchiveRequest.newBuilder();
            FateJson.merge(body, b);
            ModelArchives.Exported e = archives.export(new ModelArchives.ModelRef(b.getRole(), b.getPartyId(),
                    b.getModelId(), b.getModelVersion()));
            return new ArchiveHttpService.Archive(e.fileName(), out -> out.write(e.content()), () -> { });
        });
    }

    /** {@code POST /v1/template/download}: the example DSLs, confs and data; {@code min_data} keeps the breast pair. */
    public static ArchiveHttpService templates() {
        return new ArchiveHttpService(body -> {
            TemplateRequest.Builder b = TemplateRequest.newBuilder();
            FateJson.merge(body, b);
            boolean minData = b.getMinData();
            return new ArchiveHttpService.Archive(JobTemplates.fileName(), out -> JobTemplates.write(minData, out),
                    () -> { });
        });
    }

    /** {@code POST /v1/job/log/download}: the job's log directory; 404 for an unknown job. */
    public static ArchiveHttpService jobLog(JobService jobs) {
        return new ArchiveHttpService(body -> {
            JobRef.Builder b = JobRef.newBuilder();
            FateJson.merge(body, b);
            Path dir = jobs.logDirectory(b.getJobId());
            return new ArchiveHttpService.Archive(JobLogArchive.fileName(b.getJobId()),
                    out -> JobLogArchive.write(dir, out), () -> { });
        });
    }
}
