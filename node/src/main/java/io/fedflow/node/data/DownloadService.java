package io.fedflow.node.data;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.core.BoardLinks;
import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.core.NodeConfig;
import io.fedflow.node.store.DatabaseFailures;
import io.fedflow.node.store.generated.tables.records.TStorageTableMetaRecord;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.DownloadRequest;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * FATE's download: a local job that writes a table to a file on the node (only inside the export
 * directory), and the same rows streamed back to the caller as CSV.
 */
public final class DownloadService {
    static final String COMPONENT = "download_0";

    private final TableCatalog catalog;
    private final TableRows rows;
    private final LocalJobs jobs;
    private final NodeConfig config;
    private final BoardLinks board;
    private final LocalPaths exportDir;

    public DownloadService(TableCatalog catalog, TableRows rows, LocalJobs jobs, NodeConfig config,
                           BoardLinks board) {
        this.board = board;
        this.catalog = catalog;
        this.rows = rows;
        this.jobs = jobs;
        this.config = config;
        this.exportDir = new LocalPaths(config.exportDir(), "export");
    }

    /** Writes the table to {@code output_path} under the export directory; answers FATE's submit fields. */
    public ObjectNode downloadToFile(DownloadRequest req, StringBuilder jobIdOut) {
        TableId id = new TableId(req.getNamespace(), req.getTableName());
        Path target = exportDir.resolve(req.getOutputPath(), "output_path");
        if (Files.isDirectory(target)) {
            throw FlowException.argument("output_path " + req.getOutputPath() + " is a directory; name a file");
        }
        TStorageTableMetaRecord meta = catalog.requireReadable(id, "download");
        String jobId = jobs.nextJobId();
        jobIdOut.append(jobId);
        ObjectNode params = JsonNodeFactory.instance.objectNode();
        params.put("namespace", id.namespace()).put("table_name", id.name())
                .put("output_path", target.toString()).put("delimiter", delimiter(req, meta));
        DataJobs.run(jobs, jobId, COMPONENT, "Download", params, null, () -> {
            writeFile(meta, delimiter(req, meta), target, jobId, COMPONENT);
            return 0;
        });
        ObjectNode d = DataJobs.submitAnswer(config, board, jobId, id);
        d.put("output_path", target.toString());
        return d;
    }

    /**
     * Writes a table to a file of the export directory as part of an already created job (the Download
     * component of a submitted DSL); returns the file written.
     */
    public Path downloadForJob(DownloadRequest req, String jobId, String component) {
        TableId id = new TableId(req.getNamespace(), req.getTableName());
        Path target = exportDir.resolve(req.getOutputPath(), "output_path");
        if (Files.isDirectory(target)) {
            throw FlowException.argument("output_path " + req.getOutputPath() + " is a directory; name a file");
        }
        TStorageTableMetaRecord meta = catalog.requireReadable(id, "download");
        writeFile(meta, delimiter(req, meta), target, jobId, component);
        return target;
    }

    /** Writes the CSV to a hidden temporary file beside {@code target}, then moves it into place. */
    private void writeFile(TStorageTableMetaRecord meta, String delimiter, Path target, String jobId,
                           String component) {
        catalog.recordRead(new TableId(meta.getFNamespace(), meta.getFName()), jobId, component);
        Path tmp = null;
        try {
            Files.createDirectories(target.getParent());
            tmp = Files.createTempFile(target.getParent(), ".download-", ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                writeCsv(meta, delimiter, out);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temporary file is hidden and named as ours
                }
            }
            throw e instanceof FlowException fe ? fe
                    : DatabaseFailures.isDatabase(e) ? DatabaseFailures.of(RetCode.OPERATING_ERROR, "download of "
                      + meta.getFNamespace() + "." + meta.getFName() + " failed", e)
                    : new FlowException(RetCode.OPERATING_ERROR, FailureKind.REFUSED, "download of "
                      + meta.getFNamespace() + "." + meta.getFName() + " failed: " + e.getMessage(), e);
        }
    }

    /** Looks the table up before a stream starts, so an unknown table is an error, not an empty body. */
    public TStorageTableMetaRecord prepareStream(DownloadRequest req) {
        return catalog.requireReadable(new TableId(req.getNamespace(), req.getTableName()), "download");
    }

    /** Writes the table as CSV: the header line when the table has one, then key + delimiter + values. */
    public void writeCsv(TStorageTableMetaRecord meta, String delimiter, OutputStream out) {
        try {
            Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
            List<String> header = TableRows.header(meta);
            boolean sameDelimiter = delimiter.equals(meta.getFIdDelimiter());
            if (!header.isEmpty()) {
                w.write(String.join(delimiter, header));
                w.write('\n');
            }
            rows.scan(meta, (key, value) -> {
                w.write(key);
                if (!value.isEmpty() || !header.isEmpty() && header.size() > 1) {
                    w.write(delimiter);
                    w.write(sameDelimiter ? value : value.replace(meta.getFIdDelimiter(), delimiter));
                }
                w.write('\n');
            });
            w.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String delimiter(DownloadRequest req, TStorageTableMetaRecord meta) {
        return req.getDelimiter().isEmpty() ? meta.getFIdDelimiter() : req.getDelimiter();
    }
}
