package io.fedflow.node.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.component.RowSink;
import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.data.TableCatalog;
import io.fedflow.node.data.TableId;
import io.fedflow.node.data.TableRows;
import io.fedflow.node.json.Json;
import io.fedflow.node.store.generated.tables.records.TOutputDataInfoRecord;
import io.fedflow.node.store.generated.tables.records.TStorageTableMetaRecord;
import io.fedflow.proto.RetCode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A component's output data as FATE's /v1/tracking reads it: its tables, a preview of their rows, and the
 * tar.gz download (spooled to files first, a tar entry's size goes before its content). Each output data
 * name is read from the latest task version that wrote it.
 */
public final class OutputDataService {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());
    private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
    /** Rows per output in output/data when the request gives no limit (FATE shows its 100-row sample). */
    public static final int DEFAULT_PREVIEW_ROWS = 100;
    private static final int MAX_PREVIEW_ROWS = 10_000;

    private final TrackingQueryStore store;
    private final TableCatalog catalog;
    private final TableRows rows;
    private final Path spoolDir;

    /** @param spoolDir where output data is spooled before it goes into a tar.gz */
    public OutputDataService(TrackingQueryStore store, TableCatalog catalog, TableRows rows, Path spoolDir) {
        this.store = store;
        this.catalog = catalog;
        this.rows = rows;
        this.spoolDir = spoolDir;
    }

    /** The latest version of each output data name, in the order they were written. */
    private List<TOutputDataInfoRecord> outputInfos(TrackingRef r) {
        Map<String, TOutputDataInfoRecord> latest = new LinkedHashMap<>();
        for (TOutputDataInfoRecord i : store.outputs(r.where())) {
            latest.putIfAbsent(i.getFTaskId() + "\u0000" + i.getFDataName(), i);
        }
        List<TOutputDataInfoRecord> out = new ArrayList<>(latest.values());
        out.sort(Comparator.comparing(TOutputDataInfoRecord::getFCreateTime)
                .thenComparing(TOutputDataInfoRecord::getFDataName));
        return out;
    }

    /** [{table_name, table_namespace, data_name}]; none → 100 (FATE's "No found table"). */
    public ArrayNode outputDataTables(TrackingRef r) {
        List<TOutputDataInfoRecord> infos = outputInfos(r);
        if (infos.isEmpty()) {
            throw new FlowException(RetCode.EXCEPTION_ERROR, FailureKind.NOT_FOUND,
                    "No found table, please check if the parameters are correct: job " + r.jobId() + " component "
                            + r.component() + " role " + r.role() + " party " + r.partyId(), null);
        }
        ArrayNode out = F.arrayNode();
        infos.forEach(i -> out.addObject().put("table_name", i.getFTableName())
                .put("table_namespace", i.getFTableNamespace()).put("data_name", i.getFDataName()));
        return out;
    }

    /**
     * FATE's job/data/view/query: the job's output data records as f_ rows (update time = create time: a
     * record is never changed); job_id required; none → 101 "find data view failed".
     */
    public ArrayNode dataView(TrackingQueryStore.DataViewFilter f) {
        if (f.jobId() == null || f.jobId().isBlank()) {
            throw FlowException.argument("required argument are missing: job_id");
        }
        ArrayNode out = F.arrayNode();
        for (TOutputDataInfoRecord i : store.dataView(f)) {
            String date = DATE.format(Instant.ofEpochMilli(i.getFCreateTime()));
            out.addObject().put("f_job_id", i.getFJobId()).put("f_component_name", i.getFComponentName())
                    .put("f_task_id", i.getFTaskId()).put("f_task_version", i.getFTaskVersion())
                    .put("f_data_name", i.getFDataName()).put("f_role", i.getFRole())
                    .put("f_party_id", i.getFPartyId()).put("f_table_name", i.getFTableName())
                    .put("f_table_namespace", i.getFTableNamespace()).put("f_create_time", i.getFCreateTime())
                    .put("f_create_date", date).put("f_update_time", i.getFCreateTime()).put("f_update_date", date);
        }
        if (out.isEmpty()) {
            throw FlowException.notFound("find data view failed: no output data of job " + f.jobId()
                    + " matches the filters");
        }
        return out;
    }

    /** An output table that still exists, with the header FATE shows for it. */
    public record OutputTable(String dataName, TStorageTableMetaRecord meta, List<String> header) {}

    /** The component's output tables; 100 (NOT_FOUND over gRPC) when it has no task at that party. */
    public List<OutputTable> outputTables(TrackingRef r) {
        if (store.latestTask(r.where()).isEmpty()) {
            throw new FlowException(RetCode.EXCEPTION_ERROR, FailureKind.NOT_FOUND,
                    "no found task, please check if the parameters are correct: job " + r.jobId() + " component "
                            + r.component() + " role " + r.role() + " party " + r.partyId(), null);
        }
        List<OutputTable> out = new ArrayList<>();
        for (TOutputDataInfoRecord i : outputInfos(r)) {
            catalog.find(new TableId(i.getFTableNamespace(), i.getFTableName()))
                    .ifPresent(meta -> out.add(new OutputTable(i.getFDataName(), meta, header(meta))));
        }
        return out;
    }

    /**
     * FATE's output data header: the id column, the label (for instance tables, whose values start with
     * it), then the schema's columns.
     */
    static List<String> header(TStorageTableMetaRecord meta) {
        JsonNode schema = Json.parse(meta.getFSchema().data());
        List<String> header = new ArrayList<>();
        if (schema.isEmpty()) {
            return header;
        }
        header.add(schema.hasNonNull("sid_name") ? schema.get("sid_name").asText() : schema.path("sid").asText("id"));
        List<String> columns = split(schema.path("header").asText(""), meta.getFIdDelimiter());
        String label = schema.path("label_name").asText("");
        if (schema.path("with_label").asBoolean(false) && !label.isEmpty() && !columns.contains(label)) {
            header.add(label);
        }
        header.addAll(columns);
        return header;
    }

    /**
     * Per output: up to {@code limit} rows as [id, values...] (numbers as numbers, JSON objects as
     * objects), meta {header: [[...]], total: [count], names: [data name]}. No output → 0 "no data" [].
     */
    public TrackingAnswer outputData(TrackingRef r, Integer limit) {
        int n = limit == null || limit <= 0 ? DEFAULT_PREVIEW_ROWS : Math.min(limit, MAX_PREVIEW_ROWS);
        List<OutputTable> tables = outputTables(r);
        if (tables.isEmpty()) {
            return TrackingAnswer.noData(F.arrayNode());
        }
        ArrayNode data = F.arrayNode();
        ArrayNode headers = F.arrayNode();
        ArrayNode totals = F.arrayNode();
        ArrayNode names = F.arrayNode();
        for (OutputTable t : tables) {
            ArrayNode lines = data.addArray();
            String delimiter = t.meta().getFIdDelimiter();
            scan(t.meta(), n, (key, value) -> {
                ArrayNode line = lines.addArray().add(key);
                split(value, delimiter).forEach(cell -> line.add(cell(cell)));
            });
            ArrayNode header = headers.addArray();
            t.header().forEach(header::add);
            totals.add(t.meta().getFCount());
            names.add(t.dataName());
        }
        if (tables.size() == 1 && data.get(0).isEmpty()) {
            return TrackingAnswer.noData(F.arrayNode());
        }
        ObjectNode meta = F.objectNode();
        meta.set("header", headers);
        meta.set("total", totals);
        meta.set("names", names);
        return TrackingAnswer.ok(data, meta);
    }

    /** One page of one output table: its header, rows as {@link #outputData} shapes them, and its row count. */
    public record OutputPage(String dataName, List<String> header, ArrayNode rows, long total) {}

    /**
     * Rows {@code offset} to {@code offset + limit} of the component's output {@code dataName} (its first
     * output when blank), read in the table's order; an output that wrote nothing pages as empty. An unknown
     * data name is refused naming it.
     */
    public OutputPage page(TrackingRef r, String dataName, long offset, int limit) {
        List<OutputTable> tables = outputTables(r);
        OutputTable t = null;
        for (OutputTable candidate : tables) {
            if (TrackingRef.blank(dataName) ? t == null : candidate.dataName().equals(dataName)) {
                t = candidate;
            }
        }
        if (t == null) {
            if (!TrackingRef.blank(dataName)) {
                throw FlowException.notFound("no output data " + dataName + " of component " + r.component()
                        + " of job " + r.jobId() + " at " + r.role() + " " + r.partyId());
            }
            return new OutputPage("", List.of(), F.arrayNode(), 0);
        }
        ArrayNode lines = F.arrayNode();
        String delimiter = t.meta().getFIdDelimiter();
        long[] seen = {0};
        scan(t.meta(), offset + limit, (key, value) -> {
            if (seen[0]++ < offset) {
                return;
            }
            ArrayNode line = lines.addArray().add(key);
            split(value, delimiter).forEach(cell -> line.add(cell(cell)));
        });
        return new OutputPage(t.dataName(), t.header(), lines, t.meta().getFCount());
    }

    private static JsonNode cell(String s) {
        if (NUMBER.matcher(s).matches()) {
            try {
                return s.contains(".") || s.contains("e") || s.contains("E")
                        ? F.numberNode(Double.parseDouble(s)) : F.numberNode(Long.parseLong(s));
            } catch (NumberFormatException e) {
                return F.textNode(s);
            }
        }
        if (s.startsWith("{") && s.endsWith("}")) {
            try {
                return Json.parse(s);
            } catch (RuntimeException e) {
                return F.textNode(s);
            }
        }
        return F.textNode(s);
    }

    /** Reads up to {@code limit} rows (all when negative). */
    private void scan(TStorageTableMetaRecord meta, long limit, RowSink sink) {
        if (limit == 0) {
            return;
        }
        // TableRows wraps whatever a sink throws except a FlowException: this one, recognised by identity,
        // ends the scan once enough rows were read.
        FlowException enough = new FlowException(RetCode.SUCCESS, FailureKind.NONE, "enough rows", null);
        long[] seen = {0};
        try {
            rows.scan(meta, (k, v) -> {
                sink.row(k, v);
                if (++seen[0] == limit) {
                    throw enough;
                }
            });
        } catch (FlowException e) {
            if (e != enough) {
                throw e;
            }
        }
    }

    /** A download ready to send: what goes in the archive and its file name. */
    public record OutputDownload(String fileName, List<OutputTable> tables, long limit, boolean head) {}

    /**
     * Checks an output data download before anything is sent. {@code tables} is empty when the component
     * wrote nothing (FATE's "no data"); limit -1 (or null) is all rows, 0 is refused by the caller.
     */
    public OutputDownload prepareDownload(TrackingRef r, Integer limit, Boolean head) {
        List<OutputTable> tables = outputTables(r);
        return new OutputDownload("job_" + r.jobId() + "_" + r.component() + "_" + r.role() + "_" + r.partyId()
                + "_output_data.tar.gz", tables, limit == null ? -1 : limit, head == null || head);
    }

    /**
     * FATE's /v1/table/download: the whole table as {@code table.csv} and {@code table.meta} in
     * {@code table_<namespace>_<name>.tar.gz}, its header line first unless {@code head} is false. An unknown
     * table is FATE's 210 "no found table"; a disabled one is refused, as every read of it is.
     */
    public OutputDownload prepareTableDownload(TableId id, Boolean head) {
        TStorageTableMetaRecord meta = catalog.find(id).orElseThrow(() -> new FlowException(RetCode.NO_DATA,
                "no found table:" + id.namespace() + ", " + id.name()));
        TableCatalog.refuseDisabled(meta, "table download");
        return new OutputDownload("table_" + id.namespace() + "_" + id.name() + ".tar.gz",
                List.of(new OutputTable("table", meta, header(meta))), -1, head == null || head);
    }

    /** The output tables spooled to CSV files, ready to be archived; {@link #close} deletes them. */
    public final class Spooled implements AutoCloseable {
        private final List<Path> files = new ArrayList<>();
        private final List<String> names = new ArrayList<>();
        private final List<byte[]> metas = new ArrayList<>();

        /** Writes the tar.gz: {@code <data_name>.csv} and {@code <data_name>.meta} per output. */
        public void writeTo(OutputStream out) throws IOException {
            long now = System.currentTimeMillis() / 1000;
            try (TarGz tar = new TarGz(out)) {
                for (int i = 0; i < files.size(); i++) {
                    tar.entry(names.get(i) + ".csv", files.get(i), Files.size(files.get(i)), now);
                    tar.entry(names.get(i) + ".meta", metas.get(i), now);
                }
            }
        }

        @Override
        public void close() {
            for (Path f : files) {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException ignored) {
                    // the spool directory is ours
                }
            }
        }
    }

    /**
     * Writes each output as FATE's CSV to a temporary file (a tar entry's size goes before its content):
     * the header line joined by ',' when {@code head} and the table has one, then id and values joined by ','.
     */
    public Spooled spool(OutputDownload d) {
        Spooled s = new Spooled();
        try {
            Files.createDirectories(spoolDir);
            for (OutputTable t : d.tables()) {
                Path f = Files.createTempFile(spoolDir, "output-data-", ".csv");
                s.files.add(f);
                s.names.add(t.dataName());
                s.metas.add(metaJson(t.header()));
                JsonNode schema = Json.parse(t.meta().getFSchema().data());
                boolean display = schema.path("is_display").asBoolean(true);
                String delimiter = t.meta().getFIdDelimiter().isEmpty() ? "," : t.meta().getFIdDelimiter();
                try (Writer w = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(f),
                        StandardCharsets.UTF_8), 1 << 16)) {
                    if (d.head() && !t.header().isEmpty() && t.meta().getFHaveHead() && display) {
                        w.write(String.join(",", t.header()));
                        w.write('\n');
                    }
                    scan(t.meta(), d.limit(), (key, value) -> {
                        w.write(key);
                        if (value != null && !value.isEmpty()) {
                            w.write(',');
                            w.write(csvValues(value, delimiter));
                        }
                        w.write('\n');
                    });
                }
            }
            return s;
        } catch (IOException e) {
            s.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * A stored row's values as FATE writes them: {@code str()} of each joined by ',' whatever the table's
     * delimiter (a prediction table is tab-delimited because its predict_detail has commas; FATE writes
     * that dict unquoted, as Python prints it, and its pipeline reads it back that way).
     */
    static String csvValues(String value, String delimiter) {
        if (",".equals(delimiter)) {
            return value;
        }
        StringBuilder sb = new StringBuilder(value.length() + 16);
        for (String cell : split(value, delimiter)) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(cell.startsWith("{") && cell.endsWith("}") ? pythonDict(cell) : cell);
        }
        return sb.toString();
    }

    private static String pythonDict(String cell) {
        try {
            return PythonLiterals.str(Json.parse(cell));
        } catch (RuntimeException e) {
            return cell;
        }
    }

    /** {"header": [...]} as Python's json.dump(indent=4) writes it. */
    static byte[] metaJson(List<String> header) {
        StringBuilder sb = new StringBuilder("{\n    \"header\": [");
        for (int i = 0; i < header.size(); i++) {
            sb.append(i == 0 ? "\n" : ",\n").append("        ").append(F.textNode(header.get(i)).toString());
        }
        sb.append(header.isEmpty() ? "]\n}" : "\n    ]\n}");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> split(String s, String delimiter) {
        List<String> out = new ArrayList<>();
        if (s == null || s.isEmpty()) {
            return out;
        }
        for (String part : s.split(Pattern.quote(delimiter.isEmpty() ? "," : delimiter), -1)) {
            out.add(part);
        }
        return out;
    }
}
