package io.fedflow.node.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.util.JsonFormat;
import io.fedflow.node.core.BoardLinks;
import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.core.NodeConfig;
import io.fedflow.node.json.Json;
import io.fedflow.node.store.DatabaseFailures;
import io.fedflow.node.store.generated.tables.records.TStorageTableMetaRecord;
import io.fedflow.node.wire.FateJson;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.UploadConf;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FATE's upload: a local job ({@code upload_0}, module Upload, role local) that loads a delimited file
 * into a new table. The table, its meta and its lineage are written in one transaction, so a failed
 * upload leaves nothing behind and {@code drop=1} replaces the old table atomically.
 */
public final class UploadService {
    private static final Logger logger = LoggerFactory.getLogger(UploadService.class);
    static final String COMPONENT = "upload_0";
    static final String LOCAL_PARTY = "0";

    private final UploadStore store;
    private final LocalJobs jobs;
    private final NodeConfig config;
    private final BoardLinks board;
    private final LocalPaths importDir;
    private final Clock clock;
    private final UploadSlots slots;

    public UploadService(UploadStore store, LocalJobs jobs, NodeConfig config, BoardLinks board, Clock clock) {
        this.board = board;
        this.store = store;
        this.jobs = jobs;
        this.config = config;
        this.importDir = new LocalPaths(config.importDir(), "import");
        this.clock = clock;
        this.slots = new UploadSlots(config.limits().maxConcurrentUploads());
    }

    /** The outcome: the job id and FATE's submit answer; {@code failure} is set when the job failed. */
    public record Outcome(String jobId, ObjectNode data, FlowException failure) {}

    /** Checks a conf before anything is created; also used before a client streams its file. */
    public ValidConf validate(UploadConf conf) {
        TableId id = new TableId(conf.getNamespace(), conf.getTableName());
        if (!conf.hasHead()) {
            throw FlowException.argument("required argument are missing: head");
        }
        if (conf.getHead() != 0 && conf.getHead() != 1) {
            throw FlowException.argument("head must be 0 or 1, got " + conf.getHead());
        }
        if (!conf.hasPartition()) {
            throw FlowException.argument("required argument are missing: partition");
        }
        if (conf.getPartition() < 1 || conf.getPartition() > 1023) {
            throw FlowException.argument("partition must be between 1 and 1023, got " + conf.getPartition());
        }
        if (conf.getDrop() != 0 && conf.getDrop() != 1) {
            throw FlowException.argument("drop must be 0 or 1, got " + conf.getDrop());
        }
        String delimiter = conf.getIdDelimiter().isEmpty() ? "," : conf.getIdDelimiter();
        if (delimiter.contains("\n") || delimiter.contains("\r") || delimiter.contains("\"")) {
            throw FlowException.argument("id_delimiter cannot contain a quote or a line break");
        }
        if (conf.getDrop() == 0 && store.find(id).isPresent()) {
            throw alreadyExists();
        }
        return new ValidConf(conf, id, delimiter);
    }

    /** A conf that passed {@link #validate}. */
    public record ValidConf(UploadConf conf, TableId table, String delimiter) {}

    /** Uploads a file that is on this node already (FATE's use_local_data = 0), from the import directory. */
    public Outcome uploadLocal(UploadConf conf) {
        ValidConf valid = validate(conf);
        Path file = importDir.resolve(conf.getFile(), "file");
        if (!Files.isRegularFile(file)) {
            throw FlowException.argument("file " + conf.getFile() + " does not exist in the import directory "
                    + importDir.root());
        }
        return upload(valid, file);
    }

    /**
     * Loads a file from the import directory into a table as part of an already created job (the Upload
     * component of a submitted DSL); returns the number of rows.
     */
    public long loadForJob(UploadConf conf, String jobId) {
        ValidConf valid = validate(conf);
        Path file = importDir.resolve(conf.getFile(), "file");
        if (!Files.isRegularFile(file)) {
            throw FlowException.argument("file " + conf.getFile() + " does not exist in the import directory "
                    + importDir.root());
        }
        try (InputStream in = Files.newInputStream(file)) {
            return load(valid, in, jobId, new long[2]).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs the upload job on {@code file}; the caller owns the file. Refused when the cap of concurrent
     * uploads is reached.
     */
    public Outcome upload(ValidConf valid, Path file) {
        try (UploadSlots.Slot slot = admit(); InputStream in = Files.newInputStream(file)) {
            return run(valid, in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A slot among the concurrent uploads, taken before a client streams its file, so that one over the cap
     * is refused before any byte is read; throws when all are taken.
     */
    public UploadSlots.Slot admit() {
        return slots.acquire();
    }

    /**
     * Runs the upload job reading {@code file} as it arrives (a request body streamed straight into
     * COPY), in the slot the caller took with {@link #admit()} and still owns; the caller closes the stream.
     * On failure the stream may be left part-read.
     */
    public Outcome upload(ValidConf valid, InputStream file, UploadSlots.Slot admitted) {
        Objects.requireNonNull(admitted, "an upload slot");
        return run(valid, file);
    }

    private Outcome run(ValidConf valid, InputStream file) {
        UploadConf conf = valid.conf();
        String jobId = jobs.nextJobId();
        ObjectNode params = confJson(conf);
        ObjectNode dslJson = DataJobs.dsl(COMPONENT, "Upload");
        ObjectNode jobParameters = JsonNodeFactory.instance.objectNode();
        jobParameters.putObject("common")
                .put("federated_mode", "SINGLE").put("task_cores", Math.max(conf.getTaskCores(), 1));
        ObjectNode runtimeConf = DataJobs.runtimeConf(COMPONENT, params, jobParameters);
        jobs.start(new LocalJobs.LocalJob(jobId, "local", LOCAL_PARTY, COMPONENT, "Upload",
                dslJson, runtimeConf, params, ""));
        Path jobDir = writeJobFiles(jobId, dslJson, runtimeConf);
        FlowException failure = null;
        try {
            long t0 = System.nanoTime();
            long[] phases = new long[2];
            CsvLoader.Result result = load(valid, file, jobId, phases);
            long t1 = System.nanoTime();
            log(jobDir, "upload of " + valid.table() + " done: " + result.count() + " rows in "
                    + (t1 - t0) / 1_000_000 + " ms (read and COPY " + (phases[0] - t0) / 1_000_000
                    + " ms, index " + (phases[1] - phases[0]) / 1_000_000 + " ms, meta and commit "
                    + (t1 - phases[1]) / 1_000_000 + " ms)");
            jobs.succeed(jobId);
        } catch (RuntimeException e) {
            failure = asFlowException(e, valid.table());
            log(jobDir, "upload of " + valid.table() + " failed: " + failure.getMessage());
            jobs.fail(jobId, failure.getMessage());
        }
        return new Outcome(jobId, submitAnswer(jobId, valid.table(), jobDir), failure);
    }

    /** {@code phases} receives System.nanoTime() when the COPY ended and when the index was built. */
    private CsvLoader.Result load(ValidConf valid, InputStream file, String jobId, long[] phases) {
        return store.load(valid, "t_" + jobId, file, jobId, phases);
    }

    /** FATE's upload history: successful uploads whose table still exists, newest first. */
    public ArrayNode history(int limit, String jobId) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (var task : jobs.succeededTasks("Upload", jobId)) {
            if (limit > 0 && out.size() >= limit) {
                break;
            }
            JsonNode params = Json.parse(task.getFComponentParameters().data());
            TableId id = new TableId(params.path("namespace").asText(), params.path("table_name").asText());
            Optional<TStorageTableMetaRecord> meta = store.find(id);
            if (meta.isEmpty() || !task.getFJobId().equals(meta.get().getFJobId())) {
                continue; // deleted or replaced since
            }
            ObjectNode entry = out.addObject();
            ObjectNode info = entry.putObject(task.getFJobId());
            ObjectNode uploadInfo = info.putObject("upload_info");
            uploadInfo.put("table_name", id.name());
            uploadInfo.put("namespace", id.namespace());
            uploadInfo.put("partition", meta.get().getFPartitions());
            uploadInfo.put("upload_count", meta.get().getFCount());
            info.put("notes", "");
            info.set("schema", Json.parse(meta.get().getFSchema().data()));
        }
        return out;
    }

    private ObjectNode submitAnswer(String jobId, TableId id, Path jobDir) {
        ObjectNode d = DataJobs.submitAnswer(config, board, jobId, id);
        d.put("dsl_path", jobDir.resolve("job_dsl.json").toString());
        d.put("pipeline_dsl_path", jobDir.resolve("pipeline_dsl.json").toString());
        d.put("runtime_conf_on_party_path",
                jobDir.resolve("local").resolve("0").resolve("job_runtime_on_party_conf.json").toString());
        d.put("runtime_conf_path", jobDir.resolve("job_runtime_conf.json").toString());
        d.put("train_runtime_conf_path", jobDir.resolve("train_runtime_conf.json").toString());
        return d;
    }

    private Path writeJobFiles(String jobId, JsonNode dslJson, JsonNode runtimeConf) {
        Path jobDir = config.dataDir().resolve("jobs").resolve(jobId);
        try {
            Files.createDirectories(jobDir.resolve("local").resolve("0"));
            Files.writeString(jobDir.resolve("job_dsl.json"), dslJson.toPrettyString());
            Files.writeString(jobDir.resolve("job_runtime_conf.json"), runtimeConf.toPrettyString());
            Files.writeString(jobDir.resolve("local").resolve("0").resolve("job_runtime_on_party_conf.json"),
                    runtimeConf.toPrettyString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return jobDir;
    }

    private void log(Path jobDir, String line) {
        Path dir = config.logsDir().resolve(jobDir.getFileName());
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("fate_flow_schedule.log"),
                    Instant.ofEpochMilli(clock.millis()) + " " + line + System.lineSeparator(),
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            logger.warn("cannot write the job log in {}", dir, e);
        }
    }

    private static ObjectNode confJson(UploadConf conf) {
        try {
            return (ObjectNode) FateJson.MAPPER.readTree(JsonFormat.printer().preservingProtoFieldNames()
                    .print(conf));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static FlowException alreadyExists() {
        return new FlowException(RetCode.EXCEPTION_ERROR, "The data table already exists.If you still want to "
                + "continue uploading, please add the parameter --drop");
    }

    private static FlowException asFlowException(RuntimeException e, TableId table) {
        Throwable t = e;
        while (t != null) {
            if (t instanceof FlowException fe) {
                return fe;
            }
            t = t.getCause();
        }
        if (DatabaseFailures.isDatabase(e)) {
            return DatabaseFailures.of(RetCode.DATA_ERROR, "upload of " + table + " failed", e);
        }
        logger.warn("upload of {} failed", table, e);
        return new FlowException(RetCode.DATA_ERROR, FailureKind.REFUSED, "upload of " + table
                + " failed: " + e.getMessage(), e);
    }
}
