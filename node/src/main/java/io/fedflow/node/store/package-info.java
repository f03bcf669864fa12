/**
 * The node's PostgreSQL: {@link io.fedflow.node.store.Database} opens an embedded one in the data directory
 * ({@code EmbeddedPostgresSetup}, locked down; {@code OrphanPostmaster} and {@code PgBinaries} clean up after a
 * killed node) or an external one by URL, migrates it with Flyway ({@code src/main/resources/db/migration}) and
 * hands out {@link io.fedflow.node.store.ConnectionPool}s, one per part of the node. {@link
 * io.fedflow.node.store.DatabaseFailures} turns a driver failure into an answer that names what failed and a
 * log id. {@link io.fedflow.node.store.DatabaseNotifications} is each node's one connection LISTENing for the
 * NOTIFYs of the site's processes (component messages, job rows), handed to one subscriber per channel; {@link
 * io.fedflow.node.store.CommittedWrites} tells, as they commit, of this process's writes of a watched table
 * through every {@code DSLContext} it makes. The jOOQ classes of the schema are generated at build time into {@code
 * io.fedflow.node.store.generated}.
 *
 * <p>Dependencies: {@code core} ({@code FlowException}, {@code proto.RetCode}), jOOQ, Flyway, HikariCP, zonky.
 * Must not import any domain package. The domains' SQL is meant to live in their {@code *Store} classes (and
 * {@code PostgresGrantStore}, {@code PostgresReplayGuard}); where it does not today, each package says so.
 */
package io.fedflow.node.store;
