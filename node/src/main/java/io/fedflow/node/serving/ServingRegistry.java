package io.fedflow.node.serving;

import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.data.TableId;
import io.fedflow.node.data.TableKeys;
import io.fedflow.proto.RetCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The models this node serves: each party's part, loaded from its trained model, compiled for scoring and
 * persisted, so that a restarted node serves what it served (parts are compiled again on first use). A host's
 * part reads its features by id from its table; the guest's is bound to service ids.
 */
public final class ServingRegistry {
    /** A loaded part, ready to score. */
    record Served(LoadedPart part, ScoringPipeline pipeline, TableKeys.KeyedTable table) {}

    /** A host's partial score of one id, or why there is none. */
    record Partial(int retcode, String retmsg, double score) {}

    private record Key(String modelId, String modelVersion, String role, String partyId) {}

    private final TrainedModels models;
    private final ServingStore store;
    private final TableKeys tables;
    private final Map<Key, Served> served = new ConcurrentHashMap<>();
    /** Service id -> the part it is bound to, read through from the store (an online request must not query it). */
    private final Map<String, Key> bindings = new ConcurrentHashMap<>();

    public ServingRegistry(TrainedModels models, ServingStore store, TableKeys tables) {
        this.models = models;
        this.store = store;
        this.tables = tables;
    }

    /**
     * Loads this node's part of a model: compiled first (a part that cannot be scored is refused and nothing is
     * saved), a host's feature table indexed by id, then persisted. {@code featureTable} overrides the table a
     * host's Reader read in training.
     */
    void load(String modelId, String modelVersion, String role, String partyId, TableId featureTable) {
        TrainedModel model = models.find(modelId, modelVersion, role, partyId).orElseThrow(() -> FlowException
                .notFound("no trained model " + modelId + " version " + modelVersion + " at " + role + " "
                        + partyId + " on this node"));
        TableId table = null;
        if ("host".equals(role)) {
            table = featureTable != null ? featureTable : model.readerName().isEmpty() ? null
                    : new TableId(model.readerNamespace(), model.readerName());
            if (table == null) {
                throw FlowException.argument("host " + partyId + " ran no Reader in training: name its feature "
                        + "table in feature_tables." + partyId);
            }
        }
        Served compiled = compile(new LoadedPart(modelId, modelVersion, role, partyId, model.roles(),
                model.components(), table == null ? "" : table.namespace(), table == null ? "" : table.name(), 0));
        LoadedPart saved = store.save(model, compiled.part().featureNamespace(), compiled.part().featureName());
        served.put(new Key(modelId, modelVersion, role, partyId), new Served(saved, compiled.pipeline(),
                compiled.table()));
    }

    /** Unloads a part; whether it was loaded. */
    boolean unload(String modelId, String modelVersion, String role, String partyId) {
        Key key = new Key(modelId, modelVersion, role, partyId);
        served.remove(key);
        bindings.values().removeIf(key::equals);
        return store.delete(modelId, modelVersion, role, partyId);
    }

    /** The loaded part, compiled on first use after a restart. */
    Optional<Served> find(String modelId, String modelVersion, String role, String partyId) {
        Key key = new Key(modelId, modelVersion, role, partyId);
        Served s = served.get(key);
        if (s != null) {
            return Optional.of(s);
        }
        Optional<LoadedPart> part = store.find(modelId, modelVersion, role, partyId);
        part.ifPresent(p -> served.put(key, compile(p)));
        return part.map(p -> served.get(key));
    }

    /** Binds {@code serviceId} to a part loaded here. */
    void bind(String serviceId, String modelId, String modelVersion, String role, String partyId) {
        Served s = find(modelId, modelVersion, role, partyId).orElseThrow(() -> new FlowException(
                RetCode.OPERATING_ERROR, FailureKind.REFUSED, "model " + modelId + " version " + modelVersion
                + " is not loaded at " + role + " " + partyId + " on this node: load it first (/v1/model/load)",
                null));
        store.bind(serviceId, s.part());
        bindings.put(serviceId, new Key(modelId, modelVersion, role, partyId));
    }

    /** The part a service id is bound to. */
    Optional<Served> bound(String serviceId) {
        Key key = bindings.get(serviceId);
        if (key == null) {
            key = store.bound(serviceId).map(k -> new Key(k.get(0), k.get(1), k.get(2), k.get(3))).orElse(null);
            if (key == null) {
                return Optional.empty();
            }
            bindings.put(serviceId, key);
        }
        return find(key.modelId(), key.modelVersion(), key.role(), key.partyId());
    }

    /**
     * A host's partial scores (w·x, no intercept) of {@code ids}, read from its feature table by id: one per
     * id, an id it does not hold or whose row does not parse answered with its code.
     */
    List<Partial> partialScores(String modelId, String modelVersion, String partyId, List<String> ids) {
        Served s = find(modelId, modelVersion, "host", partyId).orElseThrow(() -> ServingCodes.host(
                ServingCodes.MODEL_NOT_FOUND, FailureKind.NOT_FOUND, "model " + modelId + " version " + modelVersion
                        + " is not loaded at host " + partyId));
        Map<String, String> rows = tables.values(s.table(), ids);
        List<String> columns = s.table().columns();
        Pattern delimiter = Pattern.compile(Pattern.quote(s.table().delimiter()));
        List<Partial> out = new ArrayList<>(ids.size());
        for (String id : ids) {
            String value = rows.get(id);
            if (value == null) {
                out.add(new Partial(ServingCodes.HOST + ServingCodes.FEATURE_NOT_FOUND, "host " + partyId
                        + " holds no row of id " + id + " in " + s.table().id().namespace() + "."
                        + s.table().id().name(), 0));
                continue;
            }
            String[] tokens = delimiter.split(value, -1);
            if (tokens.length != columns.size()) {
                out.add(new Partial(ServingCodes.HOST + ServingCodes.FEATURE_ERROR, "host " + partyId + ": row of id "
                        + id + " has " + tokens.length + " values but the table has " + columns.size()
                        + " columns", 0));
                continue;
            }
            Map<String, String> byName = new HashMap<>();
            for (int j = 0; j < tokens.length; j++) {
                byName.put(columns.get(j), tokens[j]);
            }
            try {
                out.add(new Partial(0, "", s.pipeline().linear(s.pipeline().features(byName::get, ServingCodes.HOST))));
            } catch (FlowException e) {
                out.add(new Partial(e.retcode(), "host " + partyId + ", id " + id + ": " + e.getMessage(), 0));
            }
        }
        return out;
    }

    private Served compile(LoadedPart part) {
        if ("arbiter".equals(part.role())) {
            // the arbiter takes no part in scoring: its part is kept so that load and unload see every party
            return new Served(part, null, null);
        }
        ScoringPipeline pipeline = ScoringPipeline.compile(part.components());
        TableKeys.KeyedTable table = part.featureName().isEmpty() ? null
                : tables.index(new TableId(part.featureNamespace(), part.featureName()));
        return new Served(part, pipeline, table);
    }
}
