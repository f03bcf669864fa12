package io.fedflow.node.permission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.auth.permission.GrantStore;
import io.fedflow.auth.permission.PartyPermissionGrant;
import io.fedflow.auth.permission.PartyPermissionView;
import io.fedflow.auth.permission.PermissionSwitches;
import io.fedflow.auth.permission.PrivilegeGrant;
import io.fedflow.auth.permission.PrivilegeView;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.wire.FateJson;
import io.fedflow.node.wire.Responses;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.PermissionRequest;
import io.fedflow.proto.v1.PermissionServiceGrpc;
import io.fedflow.proto.v1.PrivilegeRequest;
import io.grpc.stub.StreamObserver;
import java.util.Set;
import java.util.function.Supplier;

/**
 * gRPC adapter of both FATE permission APIs over one grant store. The checks of inbound jobs against these
 * grants come with federation (a node does not receive jobs from other sites yet).
 */
public final class PermissionGrpcService extends PermissionServiceGrpc.PermissionServiceImplBase {
    private final GrantStore grants;
    private final PermissionSwitches switches;
    private final Set<String> knownModules;

    public PermissionGrpcService(GrantStore grants, PermissionSwitches switches, Set<String> knownModules) {
        this.grants = grants;
        this.switches = switches;
        this.knownModules = knownModules;
    }

    private static PartyPermissionGrant party(PermissionRequest r) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("party_id", r.getPartyId());
        if (r.hasComponent()) {
            body.set("component", component(FateJson.toJson(r.getComponent())));
        }
        if (r.hasDataset()) {
            body.set("dataset", FateJson.toJson(r.getDataset()));
        }
        return fate(() -> PartyPermissionGrant.fromJson(body));
    }

    /** FATE's CLI sends "a,b"; a JSON list is read the same way. */
    private static JsonNode component(JsonNode c) {
        if (c.isArray()) {
            StringBuilder sb = new StringBuilder();
            c.forEach(v -> sb.append(sb.length() == 0 ? "" : ",").append(v.asText()));
            return JsonNodeFactory.instance.textNode(sb.toString());
        }
        return c;
    }

    @Override
    public void grant(PermissionRequest r, StreamObserver<FlowResponse> out) {
        PartyPermissionGrant g = party(r);
        fate(() -> {
            g.requireSwitchedOn(switches);
            g.requireKnownComponents(knownModules);
            g.grantTo(grants);
            return null;
        });
        reply(out, Responses.ok());
    }

    @Override
    public void delete(PermissionRequest r, StreamObserver<FlowResponse> out) {
        PartyPermissionGrant g = party(r);
        fate(() -> {
            g.requireSwitchedOn(switches);
            g.deleteFrom(grants);
            return null;
        });
        reply(out, Responses.ok());
    }

    @Override
    public void query(PermissionRequest r, StreamObserver<FlowResponse> out) {
        if (r.getPartyId().isBlank()) {
            throw FlowException.argument("required argument are missing: party_id");
        }
        reply(out, Responses.ok(PartyPermissionView.of(r.getPartyId(), grants.grantsOf(r.getPartyId())).toJson()));
    }

    private static PrivilegeGrant privilege(PrivilegeRequest r) {
        if (r.getSrcPartyId().isBlank() || r.getSrcRole().isBlank()) {
            throw FlowException.argument("required argument are missing: src_party_id, src_role");
        }
        return fate(() -> new PrivilegeGrant(r.getSrcPartyId(), r.getSrcRole(), r.getPrivilegeRole(),
                r.getPrivilegeCommand(), r.getPrivilegeComponent()));
    }

    @Override
    public void grantPrivilege(PrivilegeRequest r, StreamObserver<FlowResponse> out) {
        PrivilegeGrant g = privilege(r);
        fate(() -> {
            g.grantTo(grants);
            return null;
        });
        reply(out, Responses.ok());
    }

    @Override
    public void deletePrivilege(PrivilegeRequest r, StreamObserver<FlowResponse> out) {
        PrivilegeGrant g = privilege(r);
        fate(() -> {
            g.deleteFrom(grants);
            return null;
        });
        reply(out, Responses.ok());
    }

    @Override
    public void queryPrivilege(PrivilegeRequest r, StreamObserver<FlowResponse> out) {
        privilege(r);
        PrivilegeView v = PrivilegeView.of(r.getSrcPartyId(), r.getSrcRole(), grants.grantsOf(r.getSrcPartyId()));
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        d.put("src_party_id", v.srcPartyId());
        d.put("role", v.role());
        ArrayNode roles = d.putArray("privilege_role");
        v.privilegeRole().forEach(roles::add);
        ArrayNode commands = d.putArray("privilege_command");
        v.privilegeCommand().forEach(commands::add);
        ArrayNode components = d.putArray("privilege_component");
        v.privilegeComponent().forEach(components::add);
        reply(out, Responses.ok(d));
    }

    /** The auth module refuses with plain exceptions carrying FATE's messages; FATE answers them 100. */
    private static <T> T fate(Supplier<T> call) {
        try {
            return call.get();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new FlowException(RetCode.EXCEPTION_ERROR, e.getMessage());
        }
    }

    private static void reply(StreamObserver<FlowResponse> out, FlowResponse r) {
        out.onNext(r);
        out.onCompleted();
    }
}
