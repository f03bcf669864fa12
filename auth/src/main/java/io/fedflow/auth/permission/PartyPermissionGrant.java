package io.fedflow.auth.permission;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A FATE 1.9+ permission request ({@code /v1/permission/grant} and {@code /v1/permission/delete}):
 * components and datasets for a source party, whatever role it plays.
 *
 * @param partyId     the source party ({@code party_id})
 * @param components  lower-case module names, or [{@link Grant#ANY}] for every component
 * @param datasets    tables
 * @param allDatasets {@code dataset: "*"}: every table (FATE refuses this on grant; Fedflow accepts it)
 */
public record PartyPermissionGrant(String partyId, List<String> components, List<DatasetRef> datasets, boolean allDatasets) {

    public PartyPermissionGrant {
        components = List.copyOf(components);
        datasets = List.copyOf(datasets);
    }

    /**
     * Reads FATE's request body: {@code party_id}; {@code component} as {@code "a,b"} or {@code "*"};
     * {@code dataset} as {@code {namespace, name}}, a list of them, or {@code "*"}.
     */
    public static PartyPermissionGrant fromJson(JsonNode body) {
        String partyId = body.path("party_id").asText("");
        if (partyId.isBlank()) {
            throw new IllegalArgumentException("required argument are missing: party_id; ");
        }
        JsonNode component = body.path("component");
        List<String> components = component.isTextual() ? PrivilegeGrant.split(component.textValue()) : List.of();
        JsonNode dataset = body.path("dataset");
        List<DatasetRef> datasets = new ArrayList<>();
        boolean allDatasets = false;
        if (dataset.isTextual() && dataset.textValue().strip().equals(Grant.ANY)) {
            allDatasets = true;
        } else if (dataset.isObject()) {
            datasets.add(datasetOf(dataset));
        } else if (dataset.isArray()) {
            dataset.forEach(item -> datasets.add(datasetOf(item)));
        } else if (!dataset.isMissingNode() && !dataset.isNull()
                && !(dataset.isTextual() && dataset.textValue().isEmpty())) {
            throw new IllegalArgumentException("permission type dataset value " + dataset + " error");
        }
        return new PartyPermissionGrant(partyId, components, datasets, allDatasets);
    }

    /** FATE's refusals when a type is named whose check is switched off. */
    public void requireSwitchedOn(PermissionSwitches switches) {
        if (!switches.enabled()) {
            throw new IllegalStateException("No permission controller is found, please check whether the switch"
                    + " of permission control is turned on");
        }
        if (!components.isEmpty() && !switches.component()) {
            throw new IllegalArgumentException("component permission switch is False");
        }
        if ((!datasets.isEmpty() || allDatasets) && !switches.dataset()) {
            throw new IllegalArgumentException("dataset permission switch is False");
        }
    }

    /** Refuses component names this node does not know, in FATE's words. */
    public void requireKnownComponents(Set<String> knownModules) {
        List<String> unknown = new ArrayList<>();
        for (String component : components) {
            if (!component.equals(Grant.ANY) && !knownModules.contains(component)) {
                unknown.add("'" + component + "'");
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("permission type component value [" + String.join(", ", unknown) + "] error");
        }
    }

    /** The grants this request names, for any source role. */
    public List<Grant> grants() {
        List<Grant> grants = new ArrayList<>();
        for (String component : components) {
            grants.add(Grant.component(partyId, component));
        }
        for (DatasetRef dataset : datasets) {
            grants.add(Grant.dataset(partyId, dataset));
        }
        if (allDatasets) {
            grants.add(new Grant(partyId, Grant.ANY, GrantType.DATASET, Grant.ANY));
        }
        return grants;
    }

    public void grantTo(GrantStore store) {
        List<Grant> grants = grants();
        grants.forEach(store::add);
    }

    /** Removes what this request names; {@code "*"} removes every grant of that type for the party. */
    public void deleteFrom(GrantStore store) {
        for (Grant grant : grants()) {
            if (grant.value().equals(Grant.ANY)) {
                store.removeAll(partyId, Grant.ANY, grant.type());
            } else {
                store.remove(grant);
            }
        }
    }

    private static DatasetRef datasetOf(JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("permission type dataset value " + node + " error");
        }
        return new DatasetRef(node.path("namespace").asText(null), node.path("name").asText(null));
    }
}
