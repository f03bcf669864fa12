package io.fedflow.node.store;

import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.proto.RetCode;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import org.jooq.exception.DataAccessException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A database failure as a caller sees it. The driver's message carries the SQL, the values and the
 * server's context lines, so it stays in the node's log, once, under an id the answer names; the answer
 * says what failed and gives the SQLSTATE at most.
 */
public final class DatabaseFailures {
    private static final Logger logger = LoggerFactory.getLogger(DatabaseFailures.class);

    private DatabaseFailures() {}

    /** True when {@code t} is, or is caused by, a jOOQ or JDBC failure. */
    public static boolean isDatabase(Throwable t) {
        return t instanceof DataAccessException || sqlCause(t) != null;
    }

    /** As {@link #of(RetCode, String, Throwable)}, a failure of the node's (retcode 100). */
    public static FlowException of(String what, Throwable cause) {
        return of(RetCode.EXCEPTION_ERROR, what, cause);
    }

    /**
     * The answer for a database failure while doing {@code what} (a phrase naming the failing thing, or
     * null). SQLSTATE class 22 (a value the database cannot take: bad encoding, too long, out of range)
     * comes from the caller's input: an argument error (101), logged in one line. Anything else is answered
     * with {@code retCode} and logged with its stack trace.
     */
    public static FlowException of(RetCode retCode, String what, Throwable cause) {
        String id = Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
        SQLException sql = sqlCause(cause);
        String state = sql == null ? null : sql.getSQLState();
        String prefix = what == null ? "" : what + ": ";
        if (state != null && state.startsWith("22")) {
            logger.warn("database refused a value of a request [{}]{} (SQLSTATE {}): {}", id,
                    what == null ? "" : " " + what, state, sql.getMessage());
            return new FlowException(RetCode.ARGUMENT_ERROR, FailureKind.BAD_REQUEST, prefix
                    + "a value in the request cannot be stored or compared (database error " + state + ", logged as "
                    + id + ")", cause);
        }
        logger.warn("database failure [{}]{}", id, what == null ? "" : " " + what, cause);
        return new FlowException(retCode, retCode == RetCode.EXCEPTION_ERROR ? FailureKind.INTERNAL
                : FailureKind.REFUSED, prefix + "database failure ("
                + (state == null ? "" : "SQLSTATE " + state + ", ") + "logged on the node as " + id + ")", cause);
    }

    private static SQLException sqlCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof SQLException e) {
                return e;
            }
        }
        return null;
    }
}
