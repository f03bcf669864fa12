package io.fedflow.node.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jooq.Configuration;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;
import org.jooq.ExecuteType;
import org.jooq.SQLDialect;
import org.jooq.TransactionContext;
import org.jooq.TransactionListener;
import org.jooq.impl.DefaultConfiguration;

/**
 * Tells who asked when this process has committed a write of a watched table, as soon as its commit returns:
 * read-your-writes for what the process keeps of the table's rows (job/query's answers), which the table's
 * NOTIFY alone gives only a little later. Every {@code DSLContext} over the node's database is made with it
 * ({@link #configuration}), so every jOOQ statement writing the table counts, whatever store runs it: one in
 * autocommit when it ends, one inside a jOOQ transaction when the outermost transaction commits.
 *
 * <p>Statements not run through those contexts (plain JDBC) are not seen here; the table's trigger NOTIFY
 * covers them, as it covers the other processes.
 */
public final class CommittedWrites {
    private final List<Watch> watches = new CopyOnWriteArrayList<>();
    /** Per thread (jOOQ's blocking transactions are one thread's): open transactions and whether they wrote. */
    private final ThreadLocal<TxState> tx = ThreadLocal.withInitial(TxState::new);

    private record Watch(Pattern table, Runnable afterCommit) {}

    private static final class TxState {
        int depth;
        List<Runnable> pending;
    }

    /** Runs {@code afterCommit} (quick, on the committing thread) once each commit of a write of {@code table}. */
    public void watch(String table, Runnable afterCommit) {
        if (!table.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("not a plain table name: " + table);
        }
        // the name alone, quoted or not, not a longer name it begins (t_job, not t_job_x)
        watches.add(new Watch(Pattern.compile("(?<![A-Za-z0-9_])" + table + "(?![A-Za-z0-9_])",
                Pattern.CASE_INSENSITIVE), afterCommit));
    }

    /** A jOOQ configuration over {@code pool} with these watches. */
    Configuration configuration(DataSource pool) {
        return new DefaultConfiguration().set(pool).set(SQLDialect.POSTGRES).set(new Statements())
                .set(new Transactions());
    }

    private void wrote(String sql) {
        if (sql == null) {
            return;
        }
        for (Watch w : watches) {
            if (w.table().matcher(sql).find()) {
                TxState s = tx.get();
                if (s.depth == 0) {
                    w.afterCommit().run();
                } else {
                    if (s.pending == null) {
                        s.pending = new ArrayList<>(2);
                    }
                    if (!s.pending.contains(w.afterCommit())) {
                        s.pending.add(w.afterCommit());
                    }
                }
            }
        }
    }

    private final class Statements implements ExecuteListener {
        @Override
        public void executeEnd(ExecuteContext ctx) {
            if (watches.isEmpty() || ctx.type() == ExecuteType.READ) {
                return;
            }
            String[] batch = ctx.batchSQL();
            if (batch.length > 1) {
                for (String sql : batch) {
                    wrote(sql);
                }
            } else {
                wrote(ctx.sql());
            }
        }
    }

    private final class Transactions implements TransactionListener {
        @Override
        public void beginEnd(TransactionContext ctx) {
            tx.get().depth++;
        }

        @Override
        public void commitEnd(TransactionContext ctx) {
            TxState s = tx.get();
            if (--s.depth <= 0) {
                s.depth = 0;
                List<Runnable> p = s.pending;
                s.pending = null;
                if (p != null) {
                    p.forEach(Runnable::run);
                }
            }
        }

        @Override
        public void rollbackEnd(TransactionContext ctx) {
            TxState s = tx.get();
            if (--s.depth <= 0) {
                s.depth = 0;
                s.pending = null;
            }
        }
    }
}
