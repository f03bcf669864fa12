package io.fedflow.node;

import io.fedflow.node.core.Limits;
import io.fedflow.node.store.ConnectionPool;
import io.fedflow.node.store.Database;
import java.time.Duration;

/**
 * The node's connection pools. Requests (both ports) and the scheduler with its tasks each have their own,
 * so that however many clients poll, a job never waits behind them for a connection (and the reverse);
 * /health has its own connection: it must answer when the other pools are exhausted.
 */
final class NodePools implements AutoCloseable {
    /** How long a borrower waits for a connection of the request or job pool before its call fails. */
    static final Duration POOL_WAIT = Duration.ofSeconds(30);

    private final ConnectionPool requests;
    private final ConnectionPool jobs;
    private final ConnectionPool health;

    NodePools(Database database, Limits limits) {
        this.requests = database.newPool("fedflow-requests", limits.requestDbPool(), POOL_WAIT);
        this.jobs = database.newPool("fedflow-jobs", limits.jobDbPool(), POOL_WAIT);
        this.health = database.newPool("fedflow-health", 1, limits.healthTimeout());
    }

    ConnectionPool requests() {
        return requests;
    }

    ConnectionPool jobs() {
        return jobs;
    }

    ConnectionPool health() {
        return health;
    }

    @Override
    public void close() {
        health.close();
        requests.close();
        jobs.close();
    }
}
