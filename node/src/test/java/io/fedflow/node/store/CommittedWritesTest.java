package io.fedflow.node.store;

import static io.fedflow.node.store.generated.Tables.T_JOB;
import static io.fedflow.node.store.generated.Tables.T_TASK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedflow.node.testing.TestNodes;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A write of a watched table is told once committed, through every context over the database: at once in
 * autocommit, at the outermost commit in a transaction (not before, not at a nested one), never when rolled
 * back; reads and other tables are not writes of it.
 */
class CommittedWritesTest {
    static Database db;
    static ConnectionPool pool;
    static final AtomicInteger told = new AtomicInteger();

    @BeforeAll
    static void open() {
        db = Database.external(TestNodes.newDatabase(), "postgres", null);
        pool = db.newPool("committed-writes-test", 2, Duration.ofSeconds(10));
        db.committedWrites().watch("t_job", told::incrementAndGet);
    }

    @AfterAll
    static void close() throws Exception {
        pool.close();
        db.close();
    }

    @BeforeEach
    void reset() {
        told.set(0);
    }

    private static void touchJob(DSLContext dsl) {
        dsl.update(T_JOB).set(T_JOB.F_DESCRIPTION, "x").where(T_JOB.F_JOB_ID.eq("none")).execute();
    }

    @Test
    void anAutocommitWriteIsToldAsItReturns() {
        touchJob(db.dsl());
        assertThat(told).hasValue(1);
        touchJob(pool.dsl());
        assertThat(told).hasValue(2);
        // plain SQL too
        pool.dsl().execute("update t_job set f_tag = f_tag where f_job_id = 'none'");
        assertThat(told).hasValue(3);
    }

    @Test
    void aTransactionsWriteIsToldAtItsOutermostCommit() {
        pool.dsl().transaction(tx -> {
            touchJob(tx.dsl());
            tx.dsl().transaction(inner -> touchJob(inner.dsl()));
            assertThat(told).hasValue(0);
        });
        assertThat(told).hasValue(1);
    }

    @Test
    void aRolledBackWriteIsNotTold() {
        assertThatThrownBy(() -> pool.dsl().transaction(tx -> {
            touchJob(tx.dsl());
            throw new IllegalStateException("roll back");
        })).hasMessageContaining("roll back");
        assertThat(told).hasValue(0);
        // and the thread's next transaction starts clean
        pool.dsl().transaction(tx -> tx.dsl().selectOne().fetch());
        assertThat(told).hasValue(0);
    }

    @Test
    void readsAndOtherTablesAreNotWritesOfIt() {
        pool.dsl().selectFrom(T_JOB).where(T_JOB.F_JOB_ID.eq("none")).fetch();
        pool.dsl().update(T_TASK).set(T_TASK.F_STATUS, "x").where(T_TASK.F_JOB_ID.eq("none")).execute();
        pool.dsl().fetch("select count(*) from t_job");
        assertThat(told).hasValue(0);
    }
}
