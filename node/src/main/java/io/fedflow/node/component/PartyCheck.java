package io.fedflow.node.component;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A check of a component's parameters that only a party running it can make, because it depends on what is
 * set up at that party (ApiReader's {@code server_name} must be registered there). Run at submit for the
 * roles the initiator holds and at create for the roles each other party holds, so a refusal comes before
 * anything runs anywhere.
 */
@FunctionalInterface
public interface PartyCheck {
    PartyCheck NONE = parameters -> null;

    /**
     * Why the component cannot run here with these parameters (common merged with this party's role
     * entries), phrased to follow the component's name; null when it can.
     */
    String problem(JsonNode parameters);
}
