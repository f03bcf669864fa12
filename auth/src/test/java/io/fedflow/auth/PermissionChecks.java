package io.fedflow.auth;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.fedflow.auth.hook.PermissionCheckParameters;
import io.fedflow.auth.permission.DatasetRef;
import java.util.List;

/** The permission check a host makes when guest 9999 asks it to run a job on experiment.breast_hetero_host. */
public final class PermissionChecks {
    private PermissionChecks() {}

    /** Guest 9999 asking host 10000 for {@code components} on experiment.breast_hetero_host. */
    public static PermissionCheckParameters guestAsksHost(List<String> components) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        return new PermissionCheckParameters("guest", "9999", "host", "10000",
                json.objectNode().put("role", "guest").put("party_id", 9999),
                json.objectNode().set("host", json.arrayNode().add(10000)),
                components, List.of(new DatasetRef("experiment", "breast_hetero_host")),
                json.objectNode().put("dsl_version", 2), json.objectNode(), json.objectNode(), null);
    }
}
