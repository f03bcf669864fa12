package io.fedflow.auth.permission;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The answer of FATE 1.9+'s {@code /v1/permission/query}: the components and datasets granted to a
 * party for any role.
 *
 * @param components  granted module names ({@link Grant#ANY} for all)
 * @param datasets    granted tables
 * @param allDatasets every table is granted
 */
public record PartyPermissionView(List<String> components, List<DatasetRef> datasets, boolean allDatasets) {

    public PartyPermissionView {
        components = List.copyOf(components);
        datasets = List.copyOf(datasets);
    }

    public static PartyPermissionView of(String partyId, Collection<Grant> grants) {
        Set<String> components = new LinkedHashSet<>();
        Set<DatasetRef> datasets = new LinkedHashSet<>();
        boolean allDatasets = false;
        for (Grant grant : grants) {
            if (!grant.partyId().equals(partyId) || !grant.srcRole().equals(Grant.ANY)) {
                continue;
            }
            if (grant.type() == GrantType.COMPONENT) {
                components.add(grant.value());
            } else if (grant.type() == GrantType.DATASET) {
                if (grant.value().equals(Grant.ANY)) {
                    allDatasets = true;
                } else {
                    datasets.add(DatasetRef.parseFateValue(grant.value()));
                }
            }
        }
        return new PartyPermissionView(new ArrayList<>(components), new ArrayList<>(datasets), allDatasets);
    }

    /** FATE's {@code data}: {@code {"dataset": [{"name", "namespace"}...], "component": [...]}}. */
    public ObjectNode toJson() {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        var datasetArray = data.putArray("dataset");
        for (DatasetRef dataset : datasets) {
            datasetArray.addObject().put("name", dataset.name()).put("namespace", dataset.namespace());
        }
        if (allDatasets) {
            datasetArray.add(Grant.ANY);
        }
        var componentArray = data.putArray("component");
        components.forEach(componentArray::add);
        return data;
    }
}
