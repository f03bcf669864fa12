package io.fedflow.node.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.data.TableId;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.ServingLoadRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FATE's model load and bind at the initiator. Load asks every party of the model to load its part (this node's
 * own parts directly, the others over the site port); if any party fails, the parts already loaded are
 * unloaded, so that no model stays half-loaded. Bind gives a loaded model a service id at this node (the guest).
 */
public final class ModelLoading {
    private static final Logger logger = LoggerFactory.getLogger(ModelLoading.class);
    private static final List<String> ROLE_ORDER = List.of("guest", "host", "arbiter");

    /** The conf of load and bind, as FATE's client sends it. */
    public record Conf(String initiatorRole, String initiatorPartyId, JsonNode roles, String modelId,
                       String modelVersion, String jobId, String serviceId, JsonNode featureTables) {}

    /** Load's answer: whether every party loaded, and FATE's {role: {party: retcode}, detail: ...} data. */
    public record Loaded(boolean ok, String modelId, String modelVersion, ObjectNode data) {}

    private record Part(String role, String partyId) {}

    private final String localParty;
    private final TrainedModels models;
    private final ServingRegistry registry;
    private final ServingSites sites;

    public ModelLoading(String localParty, TrainedModels models, ServingRegistry registry, ServingSites sites) {
        this.localParty = localParty;
        this.models = models;
        this.registry = registry;
        this.sites = sites;
    }

    public Loaded load(Conf conf) {
        Conf c = resolve(conf);
        List<Part> parts = parts(c);
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        ObjectNode detail = JsonNodeFactory.instance.objectNode();
        List<Part> loaded = new ArrayList<>();
        boolean ok = true;
        for (Part p : parts) {
            int retcode = 0;
            String retmsg = "success";
            try {
                at(p, c, req -> sites.load(p.partyId(), req), () -> registry.load(c.modelId(), c.modelVersion(),
                        p.role(), p.partyId(), featureTable(c, p)));
                loaded.add(p);
            } catch (FlowException e) {
                retcode = e.retcode();
                retmsg = e.getMessage();
                ok = false;
            }
            data.with(p.role()).put(p.partyId(), retcode);
            detail.with(p.role()).putObject(p.partyId()).put("retcode", retcode).put("retmsg", retmsg);
            if (!ok) {
                break;
            }
        }
        if (!ok) {
            for (Part p : loaded) {
                try {
                    at(p, c, req -> sites.unload(p.partyId(), req), () -> registry.unload(c.modelId(),
                            c.modelVersion(), p.role(), p.partyId()));
                } catch (FlowException e) {
                    logger.warn("could not unload model {} {} at {} {} after a failed load: {}", c.modelId(),
                            c.modelVersion(), p.role(), p.partyId(), e.getMessage());
                }
            }
        }
        data.set("detail", detail);
        return new Loaded(ok, c.modelId(), c.modelVersion(), data);
    }

    /** Binds conf's service_id to the model loaded at the initiator (this node); FATE's retmsg. */
    public String bind(Conf conf) {
        if (conf.serviceId() == null || conf.serviceId().isBlank()) {
            throw FlowException.argument("service_id is required");
        }
        Conf c = resolve(conf);
        registry.bind(c.serviceId(), c.modelId(), c.modelVersion(), c.initiatorRole(), c.initiatorPartyId());
        return "service id is " + c.serviceId();
    }

    private void at(Part p, Conf c, Consumer<ServingLoadRequest> remote, Runnable local) {
        if (p.partyId().equals(localParty)) {
            local.run();
            return;
        }
        TableId table = featureTable(c, p);
        remote.accept(ServingLoadRequest.newBuilder().setModelId(c.modelId()).setModelVersion(c.modelVersion())
                .setRole(p.role()).setPartyId(p.partyId())
                .setFeatureNamespace(table == null ? "" : table.namespace())
                .setFeatureName(table == null ? "" : table.name()).build());
    }

    private static TableId featureTable(Conf c, Part p) {
        JsonNode t = c.featureTables() == null ? null : c.featureTables().get(p.partyId());
        if (!"host".equals(p.role()) || t == null) {
            return null;
        }
        if (t.path("name").asText("").isEmpty() || t.path("namespace").asText("").isEmpty()) {
            throw FlowException.argument("feature_tables." + p.partyId() + " needs namespace and name");
        }
        return new TableId(t.path("namespace").asText(), t.path("name").asText());
    }

    /** The conf with the model named (from job_id when only it is given) and its initiator and roles set. */
    private Conf resolve(Conf c) {
        String modelId = c.modelId();
        String version = c.modelVersion();
        if (version.isEmpty() && !c.jobId().isEmpty()) {
            version = c.jobId();
            if (modelId.isEmpty()) {
                modelId = models.modelIdOf(c.jobId()).orElseThrow(() -> FlowException.notFound(
                        "job " + c.jobId() + " is not a successful job at this node: no model to load"));
            }
        }
        if (modelId.isEmpty()) {
            throw FlowException.argument("job_parameters.model_id (or job_id) is required");
        }
        if (version.isEmpty()) {
            throw FlowException.argument("job_parameters.model_version (or job_id) is required");
        }
        String role = c.initiatorRole().isEmpty() ? "guest" : c.initiatorRole();
        String party = c.initiatorPartyId().isEmpty() ? localParty : c.initiatorPartyId();
        if (!party.equals(localParty)) {
            throw new FlowException(RetCode.ARGUMENT_ERROR, "initiator.party_id " + party
                    + " is not this site's party (" + localParty + "): send load and bind to the initiator");
        }
        JsonNode roles = c.roles();
        if (roles == null || roles.isEmpty()) {
            final String id = modelId;
            final String v = version;
            roles = models.find(modelId, version, role, party).map(TrainedModel::roles)
                    .orElseThrow(() -> FlowException.notFound("no model " + id + " version " + v + " at " + role
                            + " " + party + " on this node"));
        }
        return new Conf(role, party, roles, modelId, version, c.jobId(), c.serviceId(), c.featureTables());
    }

    private static List<Part> parts(Conf c) {
        List<Part> parts = new ArrayList<>();
        List<String> roles = new ArrayList<>(ROLE_ORDER);
        c.roles().fieldNames().forEachRemaining(r -> {
            if (!roles.contains(r)) {
                roles.add(r);
            }
        });
        for (String role : roles) {
            for (JsonNode party : c.roles().path(role)) {
                parts.add(new Part(role, party.asText()));
            }
        }
        if (parts.isEmpty()) {
            throw FlowException.argument("role names no party");
        }
        return parts;
    }
}
