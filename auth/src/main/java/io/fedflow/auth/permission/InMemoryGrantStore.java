package io.fedflow.auth.permission;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** A {@link GrantStore} in memory, in insertion order; for tests. */
public final class InMemoryGrantStore implements GrantStore {
    private final Set<Grant> grants = new LinkedHashSet<>();

    @Override
    public synchronized List<Grant> all() {
        return List.copyOf(grants);
    }

    @Override
    public synchronized List<Grant> grantsOf(String partyId) {
        List<Grant> result = new ArrayList<>();
        for (Grant grant : grants) {
            if (grant.partyId().equals(partyId)) {
                result.add(grant);
            }
        }
        return result;
    }

    @Override
    public synchronized boolean add(Grant grant) {
        return grants.add(grant);
    }

    @Override
    public synchronized boolean remove(Grant grant) {
        return grants.remove(grant);
    }

    @Override
    public synchronized int removeAll(String partyId, String srcRole, GrantType type) {
        int before = grants.size();
        String role = srcRole.strip().toLowerCase(Locale.ROOT);
        grants.removeIf(grant -> grant.partyId().equals(partyId.strip()) && grant.srcRole().equals(role)
                && grant.type() == type);
        return before - grants.size();
    }
}
