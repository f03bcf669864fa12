package io.fedflow.node.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.checkpoint.CheckpointOwner;
import io.fedflow.node.checkpoint.CheckpointStore;
import io.fedflow.node.component.ComponentContext;
import io.fedflow.node.component.FederationChannel;
import io.fedflow.node.component.InstanceLayout;
import io.fedflow.node.component.InstanceSink;
import io.fedflow.node.component.Instances;
import io.fedflow.node.component.ModelInput;
import io.fedflow.node.component.RowSink;
import io.fedflow.node.component.TableInput;
import io.fedflow.node.component.TaskCancelledException;
import io.fedflow.node.component.paillier.PaillierCounter;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.data.TableCatalog;
import io.fedflow.node.data.TableId;
import io.fedflow.node.data.TableRows;
import io.fedflow.node.data.TableWriter;
import io.fedflow.node.json.Json;
import io.fedflow.node.store.generated.tables.records.TStorageTableMetaRecord;
import io.fedflow.node.store.generated.tables.records.TTaskRecord;
import io.fedflow.node.tracking.TrackingStore;
import io.fedflow.proto.RetCode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.stream.DoubleStream;

/** What one running task sees, backed by the node's tables, tracking and logs. */
final class TaskContext implements ComponentContext {
    private final TTaskRecord task;
    private final JobPlan plan;
    private final TableCatalog catalog;
    private final TableRows rows;
    private final TableWriter writer;
    private final TrackingStore tracking;
    private final CheckpointStore checkpoints;
    private final JobLogs logs;
    private final BooleanSupplier cancelled;
    private final TrackingStore.TaskKey key;
    private final Model model;
    private final PipelineModels models;
    private final TaskChannels channels;
    private final PaillierCounter paillier;
    private final int precomputedObfuscators;
    private final int intersectChunkIds;
    private final int binningChunkRows;
    private final int chunkRows;
    private final JobMeters meters;
    private final long sendQueueBytes;
    private final Executor deliveries;
    private PipelinedChannel pipeline;
    private MeteredChannel federation;
    private TableId firstInput;

    TaskContext(TTaskRecord task, JobPlan plan, Model model, TaskEnvironment env, JobLogs logs,
                BooleanSupplier cancelled, TaskChannels channels, JobMeters meters, Executor deliveries) {
        this.channels = channels;
        this.deliveries = deliveries;
        this.sendQueueBytes = env.transferSendQueueBytes();
        this.meters = meters;
        this.task = task;
        this.plan = plan;
        this.model = model;
        this.models = env.models();
        this.catalog = env.catalog();
        this.rows = env.rows();
        this.writer = env.writer();
        this.tracking = env.tracking();
        this.checkpoints = env.checkpoints();
        this.paillier = env.paillier();
        this.precomputedObfuscators = env.precomputedObfuscators();
        this.intersectChunkIds = env.intersectChunkIds();
        this.binningChunkRows = env.binningChunkRows();
        this.chunkRows = env.componentChunkRows();
        this.logs = logs;
        this.cancelled = cancelled;
        this.key = new TrackingStore.TaskKey(task.getFJobId(), task.getFComponentName(), task.getFTaskId(),
                task.getFTaskVersion(), task.getFRole(), task.getFPartyId());
    }

    @Override
    public PaillierCounter paillier() {
        return paillier;
    }

    @Override
    public int precomputedObfuscators() {
        return precomputedObfuscators;
    }

    @Override
    public int intersectChunkIds() {
        return intersectChunkIds;
    }

    @Override
    public int binningChunkRows() {
        return binningChunkRows;
    }

    @Override
    public int chunkRows() {
        return chunkRows;
    }

    @Override
    public String jobId() {
        return task.getFJobId();
    }

    @Override
    public String componentName() {
        return task.getFComponentName();
    }

    @Override
    public String module() {
        return task.getFComponentModule();
    }

    @Override
    public String taskId() {
        return task.getFTaskId();
    }

    @Override
    public long taskVersion() {
        return task.getFTaskVersion();
    }

    @Override
    public String role() {
        return task.getFRole();
    }

    @Override
    public String partyId() {
        return task.getFPartyId();
    }

    @Override
    public JsonNode parameters() {
        return Json.parse(task.getFComponentParameters().data());
    }

    @Override
    public List<TableInput> inputData(String dataKey) {
        List<TableInput> out = new ArrayList<>();
        for (String ref : plan.component(componentName()).dataInputs().getOrDefault(dataKey, List.of())) {
            String up = ref.substring(0, ref.indexOf('.'));
            String dataName = ref.substring(ref.indexOf('.') + 1);
            var info = tracking.latestOutput(jobId(), up, role(), partyId(), dataName).orElseThrow(() ->
                    FlowException.data("component " + componentName() + ": input " + ref
                            + " was not produced (did " + up + " output " + dataName + "?)"));
            TableId id = new TableId(info.getFTableNamespace(), info.getFTableName());
            if (firstInput == null) {
                firstInput = id;
            }
            out.add(toInput(ref, catalog.require(id)));
        }
        return out;
    }

    @Override
    public TableInput storedTable(String namespace, String name) {
        TableId id = new TableId(namespace, name);
        TStorageTableMetaRecord meta = catalog.find(id).orElseThrow(() -> FlowException.data("component "
                + componentName() + ": table " + id + " does not exist (role " + role() + " party " + partyId() + ")"));
        TableCatalog.refuseDisabled(meta, "component " + componentName());
        catalog.recordRead(id, jobId(), componentName());
        if (firstInput == null) {
            firstInput = id;
        }
        return toInput(id.toString(), meta);
    }

    private static TableInput toInput(String source, TStorageTableMetaRecord meta) {
        return new TableInput(source, meta.getFNamespace(), meta.getFName(), Json.parse(meta.getFSchema().data()),
                meta.getFIdDelimiter(), meta.getFCount());
    }

    @Override
    public void scan(TableInput table, RowSink sink) {
        rows.scan(catalog.require(new TableId(table.namespace(), table.name())), (k, v) -> {
            checkCancelled();
            sink.row(k, v);
        });
    }

    @Override
    public void scanInstancesByKey(TableInput table, InstanceSink sink) {
        InstanceLayout layout = InstanceLayout.of(table);
        rows.scanByKey(catalog.require(new TableId(table.namespace(), table.name())), (k, v) -> {
            checkCancelled();
            layout.parse(k, v, sink);
        });
    }

    @Override
    public Instances readInstances(TableInput table) {
        InstanceLayout layout = InstanceLayout.of(table);
        List<String> ids = new ArrayList<>();
        List<double[]> features = new ArrayList<>();
        DoubleStream.Builder labels = DoubleStream.builder();
        scanInstances(table, (id, label, x) -> {
            ids.add(id);
            features.add(x);
            labels.add(label);
        });
        return new Instances(ids, layout.featureNames(), features.toArray(new double[0][]),
                layout.withLabel() ? labels.build().toArray() : null, layout.labelName());
    }

    @Override
    public TableInput writeTable(String requested, JsonNode schema, String delimiter, RowSource source) {
        // Components write "data"; a DSL may name its single data output otherwise ("train", "table"...).
        List<String> declared = plan.component(componentName()).dataOutputs();
        String dataName = declared.isEmpty() || declared.contains(requested) ? requested
                : declared.get(0);
        TableId id = new TableId("output_data_" + jobId(), componentName() + "_" + taskVersion() + "_" + role() + "_"
                + partyId() + "_" + dataName);
        long count = writer.create(id, schema, delimiter, "output", jobId(), firstInput,
                sink -> source.writeTo((k, v) -> {
                    checkCancelled();
                    sink.row(k, v);
                }),
                t -> tracking.recordOutputData(t, key, dataName, id.namespace(), id.name()));
        return new TableInput(componentName() + "." + dataName, id.namespace(), id.name(), schema, delimiter, count);
    }

    @Override
    public TableInput writeInstances(String dataName, Instances in) {
        // labels decide the layout (a label without a name is still written), as the rows were written before
        InstanceLayout layout = new InstanceLayout(dataName, in.featureNames(), in.hasLabel(), in.labelName(), ",");
        return writeInstances(dataName, layout, out -> {
            for (int r = 0; r < in.size(); r++) {
                out.row(in.ids().get(r), in.hasLabel() ? in.labels()[r] : Double.NaN, in.features()[r]);
            }
        });
    }

    @Override
    public List<ModelInput> inputModels(String modelKey) {
        JobPlan.PlannedComponent c = plan.component(componentName());
        List<String> refs = modelKey.equals("isometric_model") ? c.isometricInputs() : c.modelInputs();
        List<ModelInput> out = new ArrayList<>();
        for (String ref : refs) {
            String up = ref.substring(0, ref.indexOf('.'));
            String rest = ref.substring(ref.indexOf('.') + 1);
            String upstream = up;
            if (up.equals("pipeline")) {
                // A predict job's "pipeline.<component>[.model]" names a component of the model it predicts with.
                String component = rest.contains(".") ? rest.substring(0, rest.indexOf('.')) : rest;
                List<ModelInput> saved = models.componentModels(model.id(), model.version(), role(), partyId(),
                        component);
                if (saved.isEmpty()) {
                    throw new FlowException(RetCode.DATA_ERROR, "component " + componentName() + ": model input "
                            + ref + " is not in model " + model.id() + " version " + model.version() + " at "
                            + role() + " " + partyId());
                }
                out.addAll(saved);
                continue;
            }
            var produced = tracking.models(jobId(), upstream, role(), partyId());
            if (produced.isEmpty()) {
                throw new FlowException(RetCode.DATA_ERROR, "component " + componentName() + ": model input " + ref
                        + " was not produced");
            }
            produced.forEach(m -> out.add(new ModelInput(upstream, m.getFModule(), Json.parse(m.getFParam().data()),
                    Json.parse(m.getFMeta().data()))));
        }
        return out;
    }

    @Override
    public void saveModel(String modelName, JsonNode param, JsonNode meta) {
        tracking.saveModel(key, module(), modelName, param, meta);
    }

    @Override
    public void saveCheckpoint(int stepIndex, String stepName, String modelName, JsonNode param, JsonNode meta) {
        checkpoints.save(checkpointOwner(), taskVersion(), stepIndex, stepName, module(), modelName, param, meta);
        log("checkpoint saved: step_index " + stepIndex + ", step_name " + stepName + ", model " + modelName);
    }

    /** Drops what an earlier run of this component left here, before this run saves its own checkpoints. */
    void clearCheckpoints() {
        checkpoints.clear(checkpointOwner());
    }

    private CheckpointOwner checkpointOwner() {
        return new CheckpointOwner(jobId(), componentName(), role(), partyId());
    }

    @Override
    public void logMetricData(String namespace, String name, List<MetricPoint> points) {
        List<Object[]> kv = new ArrayList<>();
        points.forEach(p -> kv.add(new Object[] {p.key(), p.value()}));
        tracking.logMetricData(key, namespace, name, kv);
    }

    @Override
    public void setMetricMeta(String namespace, String name, String metricType, JsonNode extra) {
        tracking.setMetricMeta(key, namespace, name, metricType, extra);
    }

    @Override
    public void setSummary(JsonNode summary) {
        tracking.setSummary(key, summary);
    }

    @Override
    public void log(String message) {
        logs.task(jobId(), taskId(), role(), partyId(), componentName(), message);
    }

    @Override
    public void checkCancelled() {
        if (cancelled.getAsBoolean() || Thread.currentThread().isInterrupted()) {
            throw new TaskCancelledException("task " + taskId() + " was stopped");
        }
    }

    @Override
    public synchronized FederationChannel federation() {
        if (federation == null) {
            pipeline = new PipelinedChannel(sendFailed -> channels.forTask(jobId(), componentName(), taskVersion(),
                    role(), partyId(), plan.roles(), sendFailed), sendQueueBytes, deliveries);
            federation = new MeteredChannel(pipeline, meters);
        }
        return federation;
    }

    /**
     * Waits until the task's messages are acknowledged by their parties: a task succeeds only once what
     * it sent has arrived. Throws the first delivery's failure.
     */
    void awaitSent() {
        MeteredChannel channel;
        synchronized (this) {
            channel = federation;
        }
        if (channel != null) {
            channel.awaitDelivered();
        }
    }

    /** Stops what the task still has on its way (it ended): queued messages are dropped, a delivery cut. */
    void closeFederation() {
        PipelinedChannel p;
        synchronized (this) {
            p = pipeline;
        }
        if (p != null) {
            p.close();
        }
    }

    /** What the task exchanged with the other parties, for its log; null when nothing. */
    synchronized String transferSummary() {
        return federation == null ? null : federation.summary();
    }

    /** The model a job belongs to: its own (a train job) or the one it predicts with. */
    record Model(String id, String version) {}
}
