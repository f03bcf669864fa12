package io.fedflow.node.permission;

import static io.fedflow.node.store.generated.Tables.T_PERMISSION_GRANT;

import io.fedflow.auth.permission.Grant;
import io.fedflow.auth.permission.GrantStore;
import io.fedflow.auth.permission.GrantType;
import java.time.Clock;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.Record;

/** Permission grants of both FATE permission APIs, one row each, in the node's PostgreSQL. */
public final class PostgresGrantStore implements GrantStore {
    private final DSLContext dsl;
    private final Clock clock;

    public PostgresGrantStore(DSLContext dsl, Clock clock) {
        this.dsl = dsl;
        this.clock = clock;
    }

    @Override
    public List<Grant> all() {
        return dsl.selectFrom(T_PERMISSION_GRANT).orderBy(T_PERMISSION_GRANT.F_CREATE_TIME)
                .fetch(PostgresGrantStore::grant);
    }

    @Override
    public List<Grant> grantsOf(String partyId) {
        return dsl.selectFrom(T_PERMISSION_GRANT).where(T_PERMISSION_GRANT.F_PARTY_ID.eq(partyId))
                .orderBy(T_PERMISSION_GRANT.F_CREATE_TIME).fetch(PostgresGrantStore::grant);
    }

    @Override
    public boolean add(Grant g) {
        return dsl.insertInto(T_PERMISSION_GRANT)
                .set(T_PERMISSION_GRANT.F_PARTY_ID, g.partyId())
                .set(T_PERMISSION_GRANT.F_SRC_ROLE, g.srcRole())
                .set(T_PERMISSION_GRANT.F_TYPE, g.type().name())
                .set(T_PERMISSION_GRANT.F_VALUE, g.value())
                .set(T_PERMISSION_GRANT.F_CREATE_TIME, clock.millis())
                .onConflictDoNothing()
                .execute() == 1;
    }

    @Override
    public boolean remove(Grant g) {
        return dsl.deleteFrom(T_PERMISSION_GRANT).where(T_PERMISSION_GRANT.F_PARTY_ID.eq(g.partyId()),
                T_PERMISSION_GRANT.F_SRC_ROLE.eq(g.srcRole()), T_PERMISSION_GRANT.F_TYPE.eq(g.type().name()),
                T_PERMISSION_GRANT.F_VALUE.eq(g.value())).execute() == 1;
    }

    @Override
    public int removeAll(String partyId, String srcRole, GrantType type) {
        return dsl.deleteFrom(T_PERMISSION_GRANT).where(T_PERMISSION_GRANT.F_PARTY_ID.eq(partyId),
                T_PERMISSION_GRANT.F_SRC_ROLE.eq(srcRole), T_PERMISSION_GRANT.F_TYPE.eq(type.name())).execute();
    }

    private static Grant grant(Record r) {
        return new Grant(r.get(T_PERMISSION_GRANT.F_PARTY_ID), r.get(T_PERMISSION_GRANT.F_SRC_ROLE),
                GrantType.valueOf(r.get(T_PERMISSION_GRANT.F_TYPE)), r.get(T_PERMISSION_GRANT.F_VALUE));
    }
}
