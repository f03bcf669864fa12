package io.fedflow.node.component;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.component.paillier.PaillierCounter;
import io.fedflow.node.core.Limits;
import java.util.Arrays;
import java.util.List;

/** Everything a task sees: who and where it is, its parameters, inputs, and where its outputs go. */
public interface ComponentContext {
    String jobId();

    String componentName();

    String module();

    String taskId();

    long taskVersion();

    String role();

    String partyId();

    /** The component's parameters for this role and party: common, then the matching role entries. */
    JsonNode parameters();

    /**
     * Input tables under a DSL data key ("data", "train_data", "validate_data", "test_data", "eval_data"),
     * in DSL order; empty when the key is absent.
     */
    List<TableInput> inputData(String key);

    /** For Reader: the stored table named by its {@code table} parameter for this role and party. */
    TableInput storedTable(String namespace, String name);

    /** Streams a table's rows in order: the id and the values joined by the table's delimiter. */
    void scan(TableInput table, RowSink sink);

    /** Reads a table written with {@link #writeInstances} (or any table whose values are numbers). */
    Instances readInstances(TableInput table);

    /**
     * Streams a table written with {@link #writeInstances} a row at a time, parsed, in the table's order:
     * what a component uses when it need not hold the whole table (memory flat in table size).
     */
    default void scanInstances(TableInput table, InstanceSink sink) {
        InstanceLayout layout = InstanceLayout.of(table);
        scan(table, (id, value) -> layout.parse(id, value, sink));
    }

    /**
     * As {@link #scanInstances}, ordered by id (by Unicode code point, as UTF-8 bytes compare): the order in
     * which every party reads the same rows, whatever order each party's table holds them in. A node sorts in
     * its database; this default, for contexts outside a node, sorts in memory.
     */
    default void scanInstancesByKey(TableInput table, InstanceSink sink) {
        Instances in = readInstances(table);
        Integer[] order = new Integer[in.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> compareKeys(in.ids().get(a), in.ids().get(b)));
        try {
            for (int i : order) {
                sink.row(in.ids().get(i), in.hasLabel() ? in.labels()[i] : Double.NaN, in.features()[i]);
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The order of {@link #scanInstancesByKey}: by code point (String.compareTo compares UTF-16 units). */
    static int compareKeys(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    /**
     * Writes an output table under {@code dataName} (FATE's output data name, usually "data"): schema and
     * delimiter as a table meta has them, rows pushed through {@code rows}. Returns what was written, so a
     * component can hand it on.
     */
    TableInput writeTable(String dataName, JsonNode schema, String delimiter, RowSource rows);

    TableInput writeInstances(String dataName, Instances instances);

    /**
     * Writes an instances table as {@code rows} pushes its rows (id, label or NaN, features), none held:
     * the streaming form of {@link #writeInstances(String, Instances)}, same schema and same text.
     */
    default TableInput writeInstances(String dataName, InstanceLayout layout, InstanceSource rows) {
        return writeTable(dataName, layout.schema(), layout.delimiter(),
                out -> rows.writeTo((id, label, x) -> out.row(id, layout.format(label, x))));
    }

    /** Input models under a DSL model key ("model" or "isometric_model"), in DSL order. */
    List<ModelInput> inputModels(String key);

    /** Saves an output model (FATE's Param and Meta as JSON) under {@code modelName}. */
    void saveModel(String modelName, JsonNode param, JsonNode meta);

    /**
     * Saves a checkpoint (FATE's ModelCheckpoint callback): the model as it is after iteration {@code stepIndex},
     * the same Param and Meta {@link #saveModel} would save under {@code modelName}. A task's run replaces the
     * checkpoints an earlier run of its component left at its role and party.
     */
    default void saveCheckpoint(int stepIndex, String stepName, String modelName, JsonNode param, JsonNode meta) {
        throw new UnsupportedOperationException("no checkpoints in this context");
    }

    /**
     * Records metric points under namespace and name (e.g. "train", "loss"): each point is a key
     * (iteration, threshold...) and a value. Points accumulate over calls.
     */
    void logMetricData(String namespace, String name, List<MetricPoint> points);

    /** Sets the meta of a metric: {@code metricType} (LOSS, EVALUATION_SUMMARY, ...) plus free extras. */
    void setMetricMeta(String namespace, String name, String metricType, JsonNode extra);

    /** The component's summary (what summary/download returns), replacing any earlier one. */
    void setSummary(JsonNode summary);

    /** Where the task's Paillier keys count their operations (the node's meters). */
    default PaillierCounter paillier() {
        return PaillierCounter.NONE;
    }

    /**
     * How many Paillier obfuscators a task may compute ahead of need on a background thread while it waits
     * for its peers (the node's {@code --max-precomputed-obfuscators}); 0 computes each when it is needed.
     */
    default int precomputedObfuscators() {
        return 0;
    }

    /**
     * Ids in one Intersection message to a peer (the node's {@code --intersect-chunk-ids}): a table's ids
     * travel, and are signed, chunk after chunk.
     */
    default int intersectChunkIds() {
        return Limits.defaults().intersectChunkIds();
    }

    /**
     * Rows of one HeteroFeatureBinning message (the node's {@code --binning-chunk-rows}): the guest's labels
     * go to the hosts encrypted this many at a time.
     */
    default int binningChunkRows() {
        return Limits.defaults().binningChunkRows();
    }

    /**
     * Rows a component that streams a table works on at once (the node's {@code --component-chunk-rows}): the
     * most rows of one message to a peer and of the per-row values it holds.
     */
    default int chunkRows() {
        return Limits.defaults().componentChunkRows();
    }

    /** A line in this task's log (under the job's log directory). */
    void log(String message);

    /** Throws {@link TaskCancelledException} once the task was stopped or its job timed out. */
    void checkCancelled();

    /** One metric point. {@code key} is a number or a string. */
    record MetricPoint(Object key, double value) {}

    /** Pushes rows into a table being written. */
    @FunctionalInterface
    interface RowSource {
        void writeTo(RowWriter out) throws Exception;
    }

    @FunctionalInterface
    interface RowWriter {
        void row(String key, String value) throws Exception;
    }

    /**
     * The channel to the same component's tasks at the job's other roles and parties. Contexts outside a
     * node (unit tests of a component) have none.
     */
    default FederationChannel federation() {
        throw new UnsupportedOperationException("no federation channel in this context");
    }
}
