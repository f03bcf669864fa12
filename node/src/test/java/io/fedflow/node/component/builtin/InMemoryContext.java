package io.fedflow.node.component.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.component.ComponentContext;
import io.fedflow.node.component.FederationChannel;
import io.fedflow.node.component.InstanceSink;
import io.fedflow.node.component.Instances;
import io.fedflow.node.component.ModelInput;
import io.fedflow.node.component.RowSink;
import io.fedflow.node.component.TableInput;
import io.fedflow.node.component.TaskCancelledException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A {@link ComponentContext} that keeps tables, models and metrics in maps, for unit tests of components.
 * Contexts made with {@link #next} share the table store, so a test can chain Reader → DataTransform → ...
 */
final class InMemoryContext implements ComponentContext {
    static final ObjectMapper JSON = new ObjectMapper();

    /** Tables by source ("cpn.data" or "namespace.name"). */
    static final class Store {
        final Map<String, List<String[]>> rows = new HashMap<>();
        final Map<String, Instances> instances = new HashMap<>();
        final Map<String, TableInput> stored = new HashMap<>();
    }

    record Meta(String metricType, JsonNode extra) {}

    record SavedModel(JsonNode param, JsonNode meta) {}

    final Store store;
    final String componentName;
    final String module;
    String role = "local";
    String partyId = "0";
    ObjectNode params = JSON.createObjectNode();
    final Map<String, List<TableInput>> inputs = new LinkedHashMap<>();
    final Map<String, List<ModelInput>> models = new LinkedHashMap<>();
    final Map<String, TableInput> outputs = new LinkedHashMap<>();
    final Map<String, SavedModel> saved = new LinkedHashMap<>();
    final Map<String, List<MetricPoint>> metricData = new LinkedHashMap<>();
    final Map<String, Meta> metricMeta = new LinkedHashMap<>();
    final List<String> logs = new ArrayList<>();
    JsonNode summary;
    int cancelAfterChecks = -1;
    FederationChannel channel;
    int checks;
    /** The channel to the other parties' contexts, for components that talk to them (Intersection). */
    FederationChannel federation;
    /** Ids in one Intersection message (the node's --intersect-chunk-ids). */
    int intersectChunkIds = 100_000;
    /** What the node's --binning-chunk-rows would give. */
    int binningChunkRows = 10_000;

    InMemoryContext(String componentName, String module) {
        this(new Store(), componentName, module);
    }

    private InMemoryContext(Store store, String componentName, String module) {
        this.store = store;
        this.componentName = componentName;
        this.module = module;
    }

    /** A context for another component sharing this one's tables. */
    InMemoryContext next(String componentName, String module) {
        return new InMemoryContext(store, componentName, module);
    }

    InMemoryContext param(String name, Object value) {
        params.set(name, JSON.valueToTree(value));
        return this;
    }

    InMemoryContext input(String key, TableInput table) {
        inputs.computeIfAbsent(key, k -> new ArrayList<>()).add(table);
        return this;
    }

    InMemoryContext model(String key, ModelInput model) {
        models.computeIfAbsent(key, k -> new ArrayList<>()).add(model);
        return this;
    }

    /** The model this context saved, as the next component would receive it. */
    ModelInput savedModel(String name) {
        SavedModel m = saved.get(name);
        return new ModelInput(componentName, module, m.param(), m.meta());
    }

    /** Registers a table of raw rows (key, value) with a {"sid", "header"} schema. */
    TableInput table(String namespace, String name, String sid, String header, String delimiter, String[]... rows) {
        ObjectNode schema = JSON.createObjectNode().put("sid", sid).put("header", header);
        TableInput t = new TableInput(namespace + "." + name, namespace, name, schema, delimiter, rows.length);
        store.rows.put(t.source(), new ArrayList<>(List.of(rows)));
        store.stored.put(t.source(), t);
        return t;
    }

    List<String[]> rows(TableInput t) {
        return store.rows.get(t.source());
    }

    /** An output instances table: as written with {@link #writeInstances(String, Instances)}, else parsed from its rows. */
    Instances instances(String dataName) {
        TableInput t = outputs.get(dataName);
        Instances in = store.instances.get(t.source());
        return in != null ? in : readInstances(t);
    }

    List<MetricPoint> metric(String namespace, String name) {
        return metricData.getOrDefault(namespace + "/" + name, List.of());
    }

    Meta meta(String namespace, String name) {
        return metricMeta.get(namespace + "/" + name);
    }

    @Override
    public String jobId() {
        return "202401010000000000000";
    }

    @Override
    public String componentName() {
        return componentName;
    }

    @Override
    public String module() {
        return module;
    }

    @Override
    public String taskId() {
        return jobId() + "_" + componentName;
    }

    @Override
    public long taskVersion() {
        return 0;
    }

    @Override
    public String role() {
        return role;
    }

    @Override
    public String partyId() {
        return partyId;
    }

    @Override
    public JsonNode parameters() {
        return params;
    }

    @Override
    public List<TableInput> inputData(String key) {
        return inputs.getOrDefault(key, List.of());
    }

    @Override
    public TableInput storedTable(String namespace, String name) {
        return store.stored.get(namespace + "." + name);
    }

    @Override
    public void scan(TableInput table, RowSink sink) {
        List<String[]> rows = store.rows.get(table.source());
        if (rows == null) {
            throw new IllegalStateException("no table " + table.source());
        }
        try {
            for (String[] r : rows) {
                sink.row(r[0], r[1]);
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void scanInstances(TableInput table, InstanceSink sink) {
        Instances in = store.instances.get(table.source());
        if (in == null) {
            ComponentContext.super.scanInstances(table, sink);
            return;
        }
        try {
            for (int r = 0; r < in.size(); r++) {
                sink.row(in.ids().get(r), in.hasLabel() ? in.labels()[r] : Double.NaN, in.features()[r].clone());
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Instances readInstances(TableInput table) {
        Instances in = store.instances.get(table.source());
        if (in != null) {
            return in;
        }
        // a raw numeric table: label first when the schema says so, then the features
        String delim = table.delimiter();
        JsonNode schema = table.schema();
        boolean withLabel = schema.path("with_label").asBoolean(false);
        List<String> names = List.of(schema.path("header").asText().split(Pattern.quote(delim), -1));
        List<String> ids = new ArrayList<>();
        List<double[]> feats = new ArrayList<>();
        List<Double> labels = new ArrayList<>();
        for (String[] r : store.rows.get(table.source())) {
            String[] v = r[1].split(Pattern.quote(delim), -1);
            int off = withLabel ? 1 : 0;
            if (withLabel) {
                labels.add(Double.parseDouble(v[0]));
            }
            double[] f = new double[v.length - off];
            for (int j = 0; j < f.length; j++) {
                f[j] = Double.parseDouble(v[j + off]);
            }
            ids.add(r[0]);
            feats.add(f);
        }
        double[] l = withLabel ? labels.stream().mapToDouble(Double::doubleValue).toArray() : null;
        return new Instances(ids, names, feats.toArray(new double[0][]), l,
                withLabel ? schema.path("label_name").asText() : null);
    }

    @Override
    public TableInput writeTable(String dataName, JsonNode schema, String delimiter, RowSource rows) {
        List<String[]> out = new ArrayList<>();
        try {
            rows.writeTo((key, value) -> out.add(new String[] {key, value}));
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        TableInput t = new TableInput(componentName + "." + dataName, "output_data_" + componentName,
                dataName, schema, delimiter, out.size());
        store.rows.put(t.source(), out);
        store.instances.remove(t.source());
        outputs.put(dataName, t);
        return t;
    }

    @Override
    public TableInput writeInstances(String dataName, Instances instances) {
        String delim = ",";
        ObjectNode schema = JSON.createObjectNode();
        schema.put("sid", "id");
        schema.put("header", String.join(delim, instances.featureNames()));
        schema.put("with_label", instances.hasLabel());
        if (instances.hasLabel()) {
            schema.put("label_name", instances.labelName());
        }
        TableInput t = writeTable(dataName, schema, delim, out -> {
            for (int i = 0; i < instances.size(); i++) {
                StringBuilder sb = new StringBuilder();
                if (instances.hasLabel()) {
                    sb.append(instances.labels()[i]).append(delim);
                }
                double[] f = instances.features()[i];
                for (int j = 0; j < f.length; j++) {
                    sb.append(j == 0 ? "" : delim).append(f[j]);
                }
                out.row(instances.ids().get(i), sb.toString());
            }
        });
        store.instances.put(t.source(), instances);
        return t;
    }

    @Override
    public List<ModelInput> inputModels(String key) {
        return models.getOrDefault(key, List.of());
    }

    @Override
    public void saveModel(String modelName, JsonNode param, JsonNode meta) {
        saved.put(modelName, new SavedModel(param, meta));
    }

    @Override
    public void logMetricData(String namespace, String name, List<MetricPoint> points) {
        metricData.computeIfAbsent(namespace + "/" + name, k -> new ArrayList<>()).addAll(points);
    }

    @Override
    public void setMetricMeta(String namespace, String name, String metricType, JsonNode extra) {
        metricMeta.put(namespace + "/" + name, new Meta(metricType, extra));
    }

    @Override
    public void setSummary(JsonNode summary) {
        this.summary = summary;
    }

    @Override
    public int binningChunkRows() {
        return binningChunkRows;
    }

    @Override
    public void log(String message) {
        logs.add(message);
    }

    @Override
    public void checkCancelled() {
        checks++;
        if (cancelAfterChecks >= 0 && checks > cancelAfterChecks) {
            throw new TaskCancelledException("task " + taskId() + " was stopped");
        }
    }

    @Override
    public int intersectChunkIds() {
        return intersectChunkIds;
    }

    /** The channel set by a test, under either name the component tests use. */
    @Override
    public FederationChannel federation() {
        if (channel != null) {
            return channel;
        }
        if (federation != null) {
            return federation;
        }
        return ComponentContext.super.federation();
    }
}
