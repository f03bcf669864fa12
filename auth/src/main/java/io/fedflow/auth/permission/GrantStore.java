package io.fedflow.auth.permission;

import java.util.List;

/**
 * Where grants are kept. The node keeps them in PostgreSQL (one row per {@link Grant}, unique on all
 * four fields); {@link InMemoryGrantStore} is for tests.
 */
public interface GrantStore {
    /** Every grant. */
    List<Grant> all();

    /** The grants for source party {@code partyId}, of every source role. */
    List<Grant> grantsOf(String partyId);

    /** Adds {@code grant}; false if it was already there. */
    boolean add(Grant grant);

    /** Removes {@code grant}; false if it was not there. */
    boolean remove(Grant grant);

    /** Removes every grant of {@code type} for {@code partyId} acting as {@code srcRole} ({@link Grant#ANY} is itself a role here); returns how many. */
    int removeAll(String partyId, String srcRole, GrantType type);
}
