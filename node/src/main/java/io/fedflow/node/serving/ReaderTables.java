package io.fedflow.node.serving;

import com.fasterxml.jackson.databind.JsonNode;

/** The table a Reader read at one role and party in training, from the train DSL and runtime conf. */
final class ReaderTables {
    private ReaderTables() {}

    /**
     * {namespace, name} from the role's parameters (by the party's index among the role's parties), else the
     * common ones; empty strings when no Reader ran there.
     */
    static String[] of(JsonNode dsl, JsonNode conf, JsonNode roles, String role, String partyId) {
        int index = 0;
        JsonNode parties = roles.path(role);
        for (int i = 0; i < parties.size(); i++) {
            if (parties.get(i).asText().equals(partyId)) {
                index = i;
            }
        }
        JsonNode params = conf.path("component_parameters");
        for (var it = dsl.path("components").fields(); it.hasNext(); ) {
            var c = it.next();
            if (!"Reader".equals(c.getValue().path("module").asText())) {
                continue;
            }
            JsonNode table = params.path("role").path(role).path(Integer.toString(index)).path(c.getKey())
                    .path("table");
            if (table.isMissingNode()) {
                table = params.path("common").path(c.getKey()).path("table");
            }
            if (table.isObject()) {
                return new String[] {table.path("namespace").asText(""), table.path("name").asText("")};
            }
        }
        return new String[] {"", ""};
    }
}
