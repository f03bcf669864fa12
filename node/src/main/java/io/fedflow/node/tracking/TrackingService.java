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
import io.fedflow.node.store.generated.tables.records.TComponentModelRecord;
import io.fedflow.node.store.generated.tables.records.TJobRecord;
import io.fedflow.node.store.generated.tables.records.TOutputDataInfoRecord;
import io.fedflow.node.store.generated.tables.records.TStorageTableMetaRecord;
import io.fedflow.node.store.generated.tables.records.TTaskRecord;
import io.fedflow.node.store.generated.tables.records.TTrackingMetricRecord;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What FATE's /v1/tracking API reads: a job's data view, a component's metrics, parameters, output model,
 * output data (rows, tables, tar.gz downloads), summary, and the job's component list.
 *
 * <p>As FATE: when a request names neither role nor party_id they default to the job's initiator's;
 * metrics, models and output tables are read from the latest task version that wrote any (a rerun
 * leaves the earlier version's rows in place).
 */
public final class TrackingService {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
    /** Rows per output in output/data when the request gives no limit (FATE shows its 100-row sample). */
    public static final int DEFAULT_PREVIEW_ROWS = 100;
    private static final int MAX_PREVIEW_ROWS = 10_000;

    private final TrackingQueryStore store;
    private final TableCatalog catalog;
    private final TableRows rows;
    private final Path jobsDir;
    private final Path spoolDir;

    /**
     * @param jobsDir where submit wrote each job's {@code job_dsl.json} (the DSL in its submitted order)
     * @param spoolDir where output data is spooled before it goes into a tar.gz
     */
    public TrackingService(TrackingQueryStore store, TableCatalog catalog, TableRows rows, Path jobsDir, Path spoolDir) {
        this.store = store;
        this.catalog = catalog;
        this.rows = rows;
        this.jobsDir = jobsDir;
        this.spoolDir = spoolDir;
    }

    /** One component (or the whole job) at one role and party, defaults filled in. */
    public record Ref(String jobId, String role, String partyId, String component) {}

    private static TrackingQueryStore.Where where(Ref r) {
        return new TrackingQueryStore.Where(r.jobId(), r.component(), r.role(), r.partyId());
    }

    /**
     * An answer for the envelope: FATE answers "no data" with retcode 0 on most reads.
     *
     * @param meta the envelope's top-level meta (metric data, output model, output data), or null
     */
    public record Answer(int retcode, String retmsg, JsonNode data, ObjectNode meta) {
        static Answer ok(JsonNode data) {
            return new Answer(0, "success", data, null);
        }

        static Answer ok(JsonNode data, ObjectNode meta) {
            return new Answer(0, "success", data, meta);
        }

        static Answer noData(JsonNode data) {
            return new Answer(0, "no data", data, null);
        }
    }

    /** FATE's "no data" code: the HTTP status of its file answers, here also in envelopes and gRPC trailers. */
    public static final int NO_DATA = RetCode.NO_DATA.code();

    // ---- request resolution ----

    /**
     * Fills in role and party_id from the job's initiator when they are missing (only the missing one
     * when one is given: a role alone takes that role's first party).
     */
    public Ref ref(String jobId, String role, String partyId, String component, boolean needComponent) {
        if (blank(jobId)) {
            throw FlowException.argument("required argument are missing: job_id");
        }
        if (needComponent && blank(component)) {
            throw FlowException.argument("required argument are missing: component_name");
        }
        String r = nz(role);
        String p = nz(partyId);
        if (r.isEmpty() || p.isEmpty()) {
            TJobRecord job = store.initiatorRow(jobId).orElse(null);
            if (job != null) {
                if (r.isEmpty()) {
                    r = job.getFInitiatorRole();
                }
                if (p.isEmpty()) {
                    p = r.equals(job.getFInitiatorRole()) ? job.getFInitiatorPartyId() : firstParty(job, r);
                }
            }
        }
        return new Ref(jobId, r, p, nz(component));
    }

    private static String firstParty(TJobRecord job, String role) {
        JsonNode ids = Json.parse(job.getFRoles().data()).path(role);
        return ids.isArray() && ids.size() > 0 ? ids.get(0).asText() : "";
    }

    // ---- job level ----

    /** FATE's job view: {partner, dataset, roles, model_summary}; 101 when the job has no such party here. */
    public ObjectNode dataView(Ref r) {
        TJobRecord job = store.jobRow(r.jobId(), r.role(), r.partyId()).orElse(null);
        if (job == null) {
            throw FlowException.notFound("error: no job " + r.jobId() + " with role " + r.role() + " party "
                    + r.partyId() + " at this node");
        }
        JsonNode roles = Json.parse(job.getFRoles().data());
        ObjectNode out = F.objectNode();
        ObjectNode partner = out.putObject("partner");
        roles.fields().forEachRemaining(e -> {
            ArrayNode ids = F.arrayNode();
            e.getValue().forEach(id -> {
                if (!(e.getKey().equals(r.role()) && id.asText().equals(r.partyId()))) {
                    ids.add(id);
                }
            });
            if (!ids.isEmpty()) {
                partner.set(e.getKey(), ids);
            }
        });
        ObjectNode dataset = out.putObject("dataset");
        boolean initiator = Boolean.TRUE.equals(job.getFIsInitiator());
        for (TTaskRecord t : store.latestTasksOfModule(r.jobId(), "Reader")) {
            if (!initiator && !(t.getFRole().equals(r.role()) && t.getFPartyId().equals(r.partyId()))) {
                continue; // as FATE: a non-initiator sees only its own datasets
            }
            if (!Boolean.TRUE.equals(t.getFNeedRun())) {
                continue;
            }
            JsonNode table = Json.parse(t.getFComponentParameters().data()).path("table");
            if (table.isObject()) {
                ((ObjectNode) dataset.with(t.getFRole())).with(t.getFPartyId()).put(t.getFComponentName(),
                        table.path("namespace").asText() + "." + table.path("name").asText());
            }
        }
        out.set("roles", roles);
        out.putObject("model_summary");
        return out;
    }

    /** The job's DSL components in the order they were submitted; 100 for an unknown job. */
    public ObjectNode componentList(String jobId) {
        if (blank(jobId)) {
            throw FlowException.argument("required argument are missing: job_id");
        }
        TJobRecord job = store.anyJobRow(jobId).orElse(null);
        if (job == null) {
            throw new FlowException(RetCode.EXCEPTION_ERROR, FailureKind.NOT_FOUND,
                    "No job matched, please make sure the job id is valid.", null);
        }
        ObjectNode out = F.objectNode();
        ArrayNode names = out.putArray("components");
        submittedDsl(job).path("components").fieldNames().forEachRemaining(names::add);
        return out;
    }

    /** PostgreSQL's jsonb reorders keys; the job_dsl.json written at submit keeps the DSL's own order. */
    private JsonNode submittedDsl(TJobRecord job) {
        Path file = jobsDir.resolve(job.getFJobId()).resolve("job_dsl.json");
        if (Files.isRegularFile(file)) {
            try {
                return Json.parse(Files.readString(file));
            } catch (IOException | RuntimeException ignored) {
                // fall back to the stored DSL
            }
        }
        return Json.parse(job.getFDsl().data());
    }

    // ---- metrics ----

    /** One metric's points sorted by key (numbers before strings) and its meta. */
    private record Metric(List<JsonNode[]> points, ObjectNode meta) {
        ArrayNode data() {
            List<JsonNode[]> sorted = new ArrayList<>(points);
            sorted.sort(Comparator.comparing(p -> p[0], TrackingService::compareKeys));
            ArrayNode out = F.arrayNode();
            sorted.forEach(p -> out.addArray().add(p[0]).add(p[1]));
            return out;
        }
    }

    private Map<String, Map<String, Metric>> metrics(Ref r, String namespace, String name) {
        Map<String, Map<String, Metric>> out = new TreeMap<>();
        for (TTrackingMetricRecord m : store.latestMetrics(where(r), namespace, name)) {
            Metric metric = out.computeIfAbsent(m.getFMetricNamespace(), k -> new TreeMap<>())
                    .computeIfAbsent(m.getFMetricName(), k -> new Metric(new ArrayList<>(), F.objectNode()));
            JsonNode value = Json.parse(m.getFValue().data());
            if (m.getFType() == TrackingStore.META) {
                if (value.isObject()) {
                    metric.meta().setAll((ObjectNode) value);
                }
            } else {
                metric.points().add(new JsonNode[] {Json.parse(m.getFKey().data()), value});
            }
        }
        return out;
    }

    static int compareKeys(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return Double.compare(a.asDouble(), b.asDouble());
        }
        if (a.isNumber() != b.isNumber()) {
            return a.isNumber() ? -1 : 1;
        }
        return a.asText().compareTo(b.asText());
    }

    /** {ns: {name: {data: [[k, v]...], meta: {...}}}}; none → retcode 0 "no data" {}. */
    public Answer metricAll(Ref r) {
        Map<String, Map<String, Metric>> all = metrics(r, null, null);
        if (all.isEmpty()) {
            return Answer.noData(F.objectNode());
        }
        ObjectNode out = F.objectNode();
        all.forEach((ns, names) -> {
            ObjectNode n = out.putObject(ns);
            names.forEach((name, m) -> {
                ObjectNode one = n.putObject(name);
                one.set("data", m.data());
                one.set("meta", m.meta());
            });
        });
        return Answer.ok(out);
    }

    /** {ns: [names]}; none → retcode 0 "no data" {}. */
    public Answer metricNames(Ref r) {
        Map<String, Map<String, Metric>> all = metrics(r, null, null);
        if (all.isEmpty()) {
            return Answer.noData(F.objectNode());
        }
        ObjectNode out = F.objectNode();
        all.forEach((ns, names) -> {
            ArrayNode list = out.putArray(ns);
            names.keySet().forEach(list::add);
        });
        return Answer.ok(out);
    }

    /** data [[k, v]...] sorted by key, the metric's meta as the envelope's meta; none → "no data" [] {}. */
    public Answer metricData(Ref r, String namespace, String name) {
        List<String> missing = new ArrayList<>();
        if (blank(namespace)) {
            missing.add("metric_namespace");
        }
        if (blank(name)) {
            missing.add("metric_name");
        }
        if (!missing.isEmpty()) {
            throw FlowException.argument("required argument are missing: " + String.join(",", missing));
        }
        Metric m = metrics(r, namespace, name).getOrDefault(namespace, Map.of()).get(name);
        if (m == null) {
            return new Answer(0, "no data", F.arrayNode(), F.objectNode());
        }
        return Answer.ok(m.data(), m.meta());
    }

    /** Deletes a job's metrics (optionally of one component, role, party); returns how many rows went. */
    public int deleteMetrics(String jobId, String component, String role, String partyId) {
        if (blank(jobId)) {
            throw FlowException.argument("required argument are missing: job_id");
        }
        return store.deleteMetrics(jobId, component, role, partyId);
    }

    // ---- parameters, model, summary ----

    /** {module, ComponentParam: {...}} from the latest task; 101 when there is none. */
    public ObjectNode parameters(Ref r) {
        TTaskRecord t = store.latestTask(where(r)).orElseThrow(() -> FlowException.notFound("can not found this task: job "
                + r.jobId() + " component " + r.component() + " role " + r.role() + " party " + r.partyId()));
        ObjectNode out = F.objectNode();
        out.put("module", t.getFComponentModule());
        out.set("ComponentParam", Json.parse(t.getFComponentParameters().data()));
        return out;
    }

    /**
     * data = the model's Param, meta = {meta_data: its Meta, module_name}. A component that saved several
     * models answers the one named "model" if there is one, else all of them keyed by name. None → 0
     * "no data" {}.
     */
    public Answer outputModel(Ref r) {
        List<TComponentModelRecord> models = store.latestModels(where(r));
        if (models.isEmpty()) {
            return Answer.noData(F.objectNode());
        }
        List<TComponentModelRecord> chosen = models.size() == 1 ? models
                : models.stream().filter(m -> m.getFModelName().equals("model")).toList();
        ObjectNode meta = F.objectNode();
        if (chosen.size() == 1) {
            TComponentModelRecord m = chosen.get(0);
            meta.set("meta_data", Json.parse(m.getFMeta().data()));
            meta.put("module_name", m.getFModule());
            return Answer.ok(Json.parse(m.getFParam().data()), meta);
        }
        ObjectNode data = F.objectNode();
        ObjectNode metas = meta.putObject("meta_data");
        for (TComponentModelRecord m : models) {
            data.set(m.getFModelName(), Json.parse(m.getFParam().data()));
            metas.set(m.getFModelName(), Json.parse(m.getFMeta().data()));
        }
        meta.put("module_name", models.get(0).getFModule());
        return Answer.ok(data, meta);
    }

    /**
     * The component's summary; none → retcode 210 (FATE answers HTTP 210 for it, the JSON API carries
     * the code in the envelope).
     */
    public Answer summary(Ref r, String taskId, Long taskVersion) {
        var row = store.summary(where(r), taskId, taskVersion).orElse(null);
        if (row == null) {
            return new Answer(NO_DATA,
                    "No component summary found, please check if arguments are specified correctly.", null, null);
        }
        return Answer.ok(Json.parse(row.getFSummary().data()));
    }

    // ---- output data ----

    /** The latest version of each output data name, in the order they were written. */
    private List<TOutputDataInfoRecord> outputInfos(Ref r) {
        Map<String, TOutputDataInfoRecord> latest = new LinkedHashMap<>();
        for (TOutputDataInfoRecord i : store.outputs(where(r))) {
            latest.putIfAbsent(i.getFTaskId() + "\u0000" + i.getFDataName(), i);
        }
        List<TOutputDataInfoRecord> out = new ArrayList<>(latest.values());
        out.sort(Comparator.comparing(TOutputDataInfoRecord::getFCreateTime)
                .thenComparing(TOutputDataInfoRecord::getFDataName));
        return out;
    }

    /** [{table_name, table_namespace, data_name}]; none → 100 (FATE's "No found table"). */
    public ArrayNode outputDataTables(Ref r) {
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

    /** An output table that still exists, with the header FATE shows for it. */
    public record OutputTable(String dataName, TStorageTableMetaRecord meta, List<String> header) {}

    /** The component's output tables; 100 (NOT_FOUND over gRPC) when it has no task at that party. */
    public List<OutputTable> outputTables(Ref r) {
        if (store.latestTask(where(r)).isEmpty()) {
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
    public Answer outputData(Ref r, Integer limit) {
        int n = limit == null || limit <= 0 ? DEFAULT_PREVIEW_ROWS : Math.min(limit, MAX_PREVIEW_ROWS);
        List<OutputTable> tables = outputTables(r);
        if (tables.isEmpty()) {
            return Answer.noData(F.arrayNode());
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
            return Answer.noData(F.arrayNode());
        }
        ObjectNode meta = F.objectNode();
        meta.set("header", headers);
        meta.set("total", totals);
        meta.set("names", names);
        return Answer.ok(data, meta);
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
    public OutputDownload prepareDownload(Ref r, Integer limit, Boolean head) {
        List<OutputTable> tables = outputTables(r);
        return new OutputDownload("job_" + r.jobId() + "_" + r.component() + "_" + r.role() + "_" + r.partyId()
                + "_output_data.tar.gz", tables, limit == null ? -1 : limit, head == null || head);
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
     * the header line joined by ',' when {@code head} and the table has one, then id + delimiter + values.
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
                            w.write(delimiter);
                            w.write(value);
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

    /** {"header": [...]} as Python's json.dump(indent=4) writes it. */
    static byte[] metaJson(List<String> header) {
        StringBuilder sb = new StringBuilder("{\n    \"header\": [");
        for (int i = 0; i < header.size(); i++) {
            sb.append(i == 0 ? "\n" : ",\n").append("        ").append(F.textNode(header.get(i)).toString());
        }
        sb.append(header.isEmpty() ? "]\n}" : "\n    ]\n}");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    // ---- helpers ----

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

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String nz(String s) {
        return s == null ? "" : s.trim();
    }
}
