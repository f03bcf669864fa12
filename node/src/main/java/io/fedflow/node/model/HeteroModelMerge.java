package io.fedflow.node.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.proto.RetCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * FATE's /v1/component/hetero/merge for HeteroLR: the guest's and the host's parts of a trained model, both read
 * from this node's registry, made into one plain logistic regression. As FATE's merge: one host only, the
 * guest's intercept, the host's coefficients (the guest's before them when {@code include_guest_coef}), and in
 * PMML the features named {@code guest_<name>} and {@code host_<name>}. FATE reads the host's part from its
 * own model store; here the host's part is what this node holds at role host, which a host hands over by
 * exporting its model ({@code flow model export}) for the guest to import ({@code flow model import}): no site
 * call gives a party another party's weights.
 */
public final class HeteroModelMerge {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> LR_TYPES = Set.of("lr", "logistic_regression");
    private static final Set<String> TREE_TYPES = Set.of("secureboost", "tree", "sbt");
    private static final Set<String> SKLEARN = Set.of("sklearn", "scikit-learn");
    private static final Set<String> LIGHTGBM = Set.of("lightgbm", "lgb");
    private static final String MODULE = "HeteroLR";

    private final ModelRegistry registry;

    public HeteroModelMerge(ModelRegistry registry) {
        this.registry = registry;
    }

    /** FATE's request; {@code targetName} null or empty is FATE's default {@code y}. */
    public record Request(String modelId, String modelVersion, String guestPartyId, List<String> hostPartyIds,
                          String componentName, String modelType, String outputFormat, String targetName,
                          boolean includeGuestCoef) {}

    /** One party's part: its feature names and their weights, in its header's order. */
    record Part(List<String> header, double[] weights, double intercept, long iters) {}

    /** The merged model as FATE answers it: one string, PMML's XML or scikit-learn's attributes as JSON. */
    public ModelAnswer merge(Request r) {
        require(r);
        String type = r.modelType().trim().toLowerCase(Locale.ROOT);
        if (TREE_TYPES.contains(type)) {
            throw FlowException.argument("model_type " + r.modelType() + " merges tree models, and no "
                    + "HeteroSecureBoost runs here: model_type must be lr (or logistic_regression)");
        }
        if (!LR_TYPES.contains(type)) {
            throw FlowException.argument("model_type should be one in [\"sbt\", \"lr\"], but got unknown model "
                    + "type: " + r.modelType());
        }
        String format = r.outputFormat().trim().toLowerCase(Locale.ROOT);
        if (LIGHTGBM.contains(format)) {
            throw FlowException.argument("output_format " + r.outputFormat() + " is for tree models only: a "
                    + "HeteroLR model merges to pmml or sklearn");
        }
        if (!format.equals("pmml") && !SKLEARN.contains(format)) {
            throw FlowException.argument("unknown output_format: " + r.outputFormat() + " (pmml or sklearn)");
        }
        List<String> hosts = r.hostPartyIds().stream().map(String::trim).filter(p -> !p.isEmpty()).toList();
        if (hosts.size() > 1) {
            throw FlowException.argument("host_party_ids " + hosts + ": Cannot merge Hetero LR models from "
                    + "multiple hosts, give one host");
        }
        ComponentModel guest = component(r, "guest", r.guestPartyId().trim());
        String hostParty = hosts.get(0);
        ComponentModel host = component(r, "host", hostParty);
        if ("encrypted_reveal_in_host".equals(guest.meta().path("reveal_strategy").asText())) {
            throw FlowException.data("Cannot merge encrypted LR models: the guest's model reveals its weights "
                    + "encrypted to the host");
        }
        if (guest.param().path("need_one_vs_rest").asBoolean(false)) {
            throw FlowException.data("the HeteroLR model of " + r.componentName() + " is one-vs-rest, which no "
                    + "HeteroLR trains here");
        }
        Part g = part(guest, "guest " + r.guestPartyId());
        Part h = part(host, "host " + hostParty);
        String target = r.targetName() == null || r.targetName().isBlank() ? "y" : r.targetName();
        String data = format.equals("pmml")
                ? LogisticPmml.write(target, names(g, h, r.includeGuestCoef(), true),
                        coefficients(g, h, r.includeGuestCoef()), g.intercept())
                : sklearn(guest.meta(), g, h, r.includeGuestCoef()).toString();
        return new ModelAnswer("success", NODES.textNode(data));
    }

    /** scikit-learn's LogisticRegression as FATE sets it up, its fitted attributes as JSON (not a pickle). */
    private static ObjectNode sklearn(JsonNode meta, Part g, Part h, boolean includeGuest) {
        ObjectNode out = NODES.objectNode();
        out.put("class", "sklearn.linear_model.LogisticRegression");
        ObjectNode params = out.putObject("params");
        params.put("penalty", meta.path("penalty").asText("l2").toLowerCase(Locale.ROOT));
        params.put("tol", meta.path("tol").asDouble(1e-4));
        params.put("fit_intercept", meta.path("fit_intercept").asBoolean(true));
        params.put("max_iter", meta.path("max_iter").asInt(100));
        params.put("multi_class", "ovr");
        params.put("solver", "saga");
        out.putArray("classes_").add(0).add(1);
        ArrayNode row = out.putArray("coef_").addArray();
        for (double c : coefficients(g, h, includeGuest)) {
            row.add(c);
        }
        out.putArray("intercept_").add(g.intercept());
        out.putArray("n_iter_").add(g.iters());
        List<String> names = names(g, h, includeGuest, false);
        ArrayNode features = out.putArray("feature_names_in_");
        names.forEach(features::add);
        out.put("n_features_in_", names.size());
        return out;
    }

    private static double[] coefficients(Part g, Part h, boolean includeGuest) {
        int offset = includeGuest ? g.weights().length : 0;
        double[] c = new double[offset + h.weights().length];
        if (includeGuest) {
            System.arraycopy(g.weights(), 0, c, 0, offset);
        }
        System.arraycopy(h.weights(), 0, c, offset, h.weights().length);
        return c;
    }

    /** FATE's header: the host's names, the guest's before them; role-prefixed in PMML, whose names must differ. */
    private static List<String> names(Part g, Part h, boolean includeGuest, boolean withRole) {
        List<String> names = new ArrayList<>();
        if (includeGuest) {
            g.header().forEach(n -> names.add(withRole ? "guest_" + n : n));
        }
        h.header().forEach(n -> names.add(withRole ? "host_" + n : n));
        return names;
    }

    private ComponentModel component(Request r, String role, String partyId) {
        PipelineModel model = registry.find(r.modelId(), r.modelVersion(), role, partyId).orElseThrow(() ->
                new FlowException(RetCode.EXCEPTION_ERROR, FailureKind.NOT_FOUND, "No model found: model_id '"
                        + r.modelId() + "', model_version '" + r.modelVersion() + "', role '" + role + "', party_id '"
                        + partyId + "' at this node" + (role.equals("host") ? ": the host exports its model (flow "
                        + "model export) and this node imports it (flow model import) before a merge" : "") + ".",
                        null));
        ComponentModel c = registry.components(model.modelId(), model.modelVersion(), role, partyId).stream()
                .filter(m -> m.componentName().equals(r.componentName())).findFirst().orElseThrow(() ->
                        new FlowException(RetCode.EXCEPTION_ERROR, FailureKind.NOT_FOUND, "component_name '"
                                + r.componentName() + "' has no model in " + model.partyModelId() + " "
                                + model.modelVersion() + ".", null));
        if (!MODULE.equals(c.module())) {
            throw FlowException.argument("component_name '" + r.componentName() + "' is a " + c.module()
                    + " model; hetero/merge merges " + MODULE + " models");
        }
        return c;
    }

    private static Part part(ComponentModel c, String who) {
        JsonNode param = c.param();
        JsonNode weight = param.path("weight");
        List<String> header = new ArrayList<>();
        param.path("header").forEach(n -> header.add(n.asText()));
        double[] w = new double[header.size()];
        for (int j = 0; j < w.length; j++) {
            JsonNode v = weight.get(header.get(j));
            if (v == null || !v.isNumber()) {
                throw FlowException.data("the HeteroLR model of " + who + " has no weight for its feature "
                        + header.get(j));
            }
            w[j] = v.asDouble();
        }
        return new Part(header, w, param.path("intercept").asDouble(0), param.path("iters").asLong(0));
    }

    private static void require(Request r) {
        Map<String, Boolean> present = new LinkedHashMap<>();
        present.put("model_id", !blank(r.modelId()));
        present.put("model_version", !blank(r.modelVersion()));
        present.put("guest_party_id", !blank(r.guestPartyId()));
        present.put("host_party_ids", r.hostPartyIds().stream().anyMatch(p -> !blank(p)));
        present.put("component_name", !blank(r.componentName()));
        present.put("model_type", !blank(r.modelType()));
        present.put("output_format", !blank(r.outputFormat()));
        List<String> missing = present.entrySet().stream().filter(e -> !e.getValue()).map(Map.Entry::getKey)
                .toList();
        if (!missing.isEmpty()) {
            throw FlowException.argument("required argument are missing: " + String.join(",", missing));
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
