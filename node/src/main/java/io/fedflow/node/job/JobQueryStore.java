package io.fedflow.node.job;

import static io.fedflow.node.store.generated.Tables.T_JOB;
import static io.fedflow.node.store.generated.Tables.T_TASK;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.core.Paging;
import io.fedflow.node.json.Json;
import io.fedflow.node.store.generated.tables.records.TJobRecord;
import io.fedflow.node.store.generated.tables.records.TTaskRecord;
import io.fedflow.node.wire.PrintedJsonCache;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.Record;
import org.jooq.SortField;
import org.jooq.impl.DSL;

/**
 * The reads of FATE's job and task query APIs (job/query, job/list, task/query, task/list, job/config) and
 * the job notes, over t_job and t_task; the scheduler's reads and writes are {@link JobStore}'s.
 */
public final class JobQueryStore {
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    /** t_job's columns in the order the id lookups select them. */
    private static final List<Field<?>> JOB_COLUMNS = List.of(T_JOB.fields());

    private final DSLContext dsl;
    /** The id lookup's jsonb columns, printed once per distinct content. */
    private final PrintedJsonCache printed;
    /**
     * job/query's commonest call, a client polling its job: one job id, perhaps one role and one party, the
     * default order. Its SQL is rendered once, here, so that the call is one prepared primary-key read (the
     * driver keeps it prepared per connection) without rendering it again. Index: 1 with a role, 2 with a party.
     */
    private final String[] byIdSql = new String[4];

    public JobQueryStore(DSLContext dsl, PrintedJsonCache printed) {
        this.dsl = dsl;
        this.printed = printed;
        for (int i = 0; i < byIdSql.length; i++) {
            List<Condition> conds = new ArrayList<>(List.of(T_JOB.F_JOB_ID.eq(DSL.param("job_id", String.class))));
            if ((i & 1) != 0) {
                conds.add(T_JOB.F_ROLE.eq(DSL.param("role", String.class)));
            }
            if ((i & 2) != 0) {
                conds.add(T_JOB.F_PARTY_ID.eq(DSL.param("party_id", String.class)));
            }
            byIdSql[i] = dsl.select(JOB_COLUMNS).from(T_JOB).where(conds).orderBy(jobOrder(null, false),
                    T_JOB.F_JOB_ID, T_JOB.F_ROLE, T_JOB.F_PARTY_ID).getSQL();
        }
    }

    /** One page of rows and how many match in all. */
    public record Page<R>(List<R> rows, int count) {}

    /** Filters of FATE's task/query; every one given must match ({@code onlyLatest}: the latest versions). */
    public record TaskFilter(String jobId, String component, String role, String partyId, String status,
                             String taskId, Long version, boolean onlyLatest) {}

    /** Text columns of job/query's filters. */
    private static final Map<String, Field<String>> TEXT_COLUMNS = Map.of("job_id", T_JOB.F_JOB_ID, "name",
            T_JOB.F_NAME, "description", T_JOB.F_DESCRIPTION, "role", T_JOB.F_ROLE, "party_id", T_JOB.F_PARTY_ID,
            "status", T_JOB.F_STATUS, "tag", T_JOB.F_TAG, "initiator_role", T_JOB.F_INITIATOR_ROLE,
            "initiator_party_id", T_JOB.F_INITIATOR_PARTY_ID);

    /** Number and time columns of job/query's filters. */
    private static final Map<String, Field<? extends Number>> RANGED_COLUMNS = Map.of("progress", T_JOB.F_PROGRESS,
            "create_time", T_JOB.F_CREATE_TIME, "update_time", T_JOB.F_UPDATE_TIME, "start_time", T_JOB.F_START_TIME,
            "end_time", T_JOB.F_END_TIME, "elapsed", T_JOB.F_ELAPSED);

    /**
     * FATE's job/query: the rows matching every filter, none for an empty filter. Newest first, or by the column
     * {@code orderBy} names (with or without its f_ prefix; ascending, descending when {@code reverse}), ties in
     * job, role and party order so that the rows always come in the same order.
     */
    public ArrayNode query(JobFilter f, String orderBy, boolean reverse) {
        ArrayNode rows = JsonNodeFactory.instance.arrayNode();
        if (f.isEmpty()) {
            return rows; // as FATE: a query without any filter finds nothing rather than everything
        }
        if (isBlank(orderBy) && isIdLookup(f)) {
            return byId(f.text().get("job_id").get(0), one(f, "role"), one(f, "party_id"));
        }
        dsl.selectFrom(T_JOB).where(conditions(f)).orderBy(jobOrder(orderBy, reverse), T_JOB.F_JOB_ID, T_JOB.F_ROLE,
                T_JOB.F_PARTY_ID).forEach(r -> rows.add(row(r)));
        return rows;
    }

    /** The columns of a job's summary: a board's list reads no DSL nor conf. */
    private static final List<Field<?>> SUMMARY = List.of(T_JOB.F_JOB_ID, T_JOB.F_ROLE, T_JOB.F_PARTY_ID,
            T_JOB.F_STATUS, T_JOB.F_PROGRESS, T_JOB.F_TAG, T_JOB.F_DESCRIPTION, T_JOB.F_IS_INITIATOR,
            T_JOB.F_INITIATOR_ROLE, T_JOB.F_INITIATOR_PARTY_ID, T_JOB.F_CREATE_TIME, T_JOB.F_START_TIME,
            T_JOB.F_END_TIME, T_JOB.F_ELAPSED);

    /**
     * The board's job list: the summary columns of the rows matching every filter given (every row for an
     * empty filter), newest first, one page.
     */
    public Page<TJobRecord> summaries(JobFilter f, Paging paging) {
        List<Condition> conds = conditions(f);
        int count = dsl.fetchCount(T_JOB, conds);
        List<TJobRecord> rows = dsl.select(SUMMARY).from(T_JOB).where(conds)
                .orderBy(T_JOB.F_CREATE_TIME.desc(), T_JOB.F_JOB_ID.desc(), T_JOB.F_ROLE, T_JOB.F_PARTY_ID)
                .limit(paging.limit()).offset(paging.offset()).fetchInto(T_JOB);
        return new Page<>(rows, count);
    }

    /** The tasks of {@code module} at any job (every version), newest first, one page. */
    public Page<TTaskRecord> moduleTasks(String module, Paging paging) {
        Condition c = T_TASK.F_COMPONENT_MODULE.eq(module);
        int count = dsl.fetchCount(T_TASK, c);
        List<TTaskRecord> rows = dsl.selectFrom(T_TASK).where(c)
                .orderBy(T_TASK.F_CREATE_TIME.desc(), T_TASK.F_JOB_ID.desc(), T_TASK.F_TASK_VERSION.desc())
                .limit(paging.limit()).offset(paging.offset()).fetch();
        return new Page<>(rows, count);
    }

    private static List<Condition> conditions(JobFilter f) {
        List<Condition> conds = new ArrayList<>();
        f.text().forEach((column, values) -> {
            Field<String> field = TEXT_COLUMNS.get(column);
            conds.add(values.size() == 1 ? field.eq(values.get(0)) : field.in(values));
        });
        if (!f.isInitiator().isEmpty()) {
            conds.add(T_JOB.F_IS_INITIATOR.in(f.isInitiator()));
        }
        f.ranges().forEach((column, range) -> {
            // coerce, not cast: no CAST in the SQL, so the time columns' indexes serve the range
            Field<Long> field = RANGED_COLUMNS.get(column).coerce(Long.class);
            if (range.low() != null && range.high() != null) {
                conds.add(field.between(range.low(), range.high()));
            } else if (range.low() != null) {
                conds.add(field.ge(range.low()));
            } else {
                conds.add(field.le(range.high()));
            }
        });
        return conds;
    }

    /** Whether the filter is one job id, with at most one role and one party, and nothing else. */
    static boolean isIdLookup(JobFilter f) {
        Map<String, List<String>> text = f.text();
        if (!f.isInitiator().isEmpty() || !f.ranges().isEmpty() || !text.containsKey("job_id")) {
            return false;
        }
        for (Map.Entry<String, List<String>> e : text.entrySet()) {
            boolean idColumn = e.getKey().equals("job_id") || e.getKey().equals("role")
                    || e.getKey().equals("party_id");
            if (!idColumn || e.getValue().size() != 1) {
                return false;
            }
        }
        return true;
    }

    private static String one(JobFilter f, String column) {
        List<String> values = f.text().get(column);
        return values == null ? null : values.get(0);
    }

    /** A job's rows by primary key (role and party when given), as {@link #row} prints them. */
    private ArrayNode byId(String jobId, String role, String partyId) {
        String sql = byIdSql[(role == null ? 0 : 1) | (partyId == null ? 0 : 2)];
        return dsl.connectionResult(c -> {
            ArrayNode rows = JsonNodeFactory.instance.arrayNode();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                ps.setString(i++, jobId);
                if (role != null) {
                    ps.setString(i++, role);
                }
                if (partyId != null) {
                    ps.setString(i, partyId);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(row(rs));
                    }
                }
            }
            return rows;
        });
    }

    /**
     * A t_job row selected as {@link #JOB_COLUMNS}, as {@link #row(Record)} prints a record; its jsonb
     * columns only printable (see {@link PrintedJsonCache}).
     */
    private ObjectNode row(ResultSet rs) throws SQLException {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < JOB_COLUMNS.size(); i++) {
            Field<?> field = JOB_COLUMNS.get(i);
            Class<?> type = field.getType();
            Object v;
            if (type == Long.class) {
                long l = rs.getLong(i + 1);
                v = rs.wasNull() ? null : l;
            } else if (type == Integer.class) {
                int n = rs.getInt(i + 1);
                v = rs.wasNull() ? null : n;
            } else if (type == Boolean.class) {
                boolean b = rs.getBoolean(i + 1);
                v = rs.wasNull() ? null : b;
            } else if (type == JSONB.class) {
                String text = rs.getString(i + 1);
                if (text != null) {
                    o.set(field.getName(), printed.printable(text));
                    continue;
                }
                v = null;
            } else {
                v = rs.getString(i + 1);
            }
            put(o, field.getName(), v);
        }
        return o;
    }

    /** job/query's order: any column of t_job (FATE orders by any field of its Job model), newest first by default. */
    private static SortField<?> jobOrder(String orderBy, boolean reverse) {
        if (isBlank(orderBy)) {
            return T_JOB.F_CREATE_TIME.desc();
        }
        String name = orderBy.strip();
        Field<?> by = T_JOB.field(name.startsWith("f_") ? name : "f_" + name);
        if (by == null) {
            throw FlowException.argument("field order_by must name a column of the job records (create_time, "
                    + "start_time, end_time, elapsed, progress, status, job_id...), got \"" + abbreviate(name) + "\"");
        }
        return reverse ? by.desc() : by.asc();
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }

    /** FATE's job/list: rows whose id, description and party contain the given text, paged. */
    public Page<TJobRecord> listJobs(String jobId, String description, String partyId, List<String> roles,
                                     List<String> statuses, String orderBy, String order, int limit, int page) {
        List<Condition> conds = new ArrayList<>();
        if (!isBlank(jobId)) {
            conds.add(T_JOB.F_JOB_ID.contains(jobId));
        }
        if (!isBlank(description)) {
            conds.add(T_JOB.F_DESCRIPTION.contains(description));
        }
        if (!isBlank(partyId)) {
            conds.add(T_JOB.F_PARTY_ID.contains(partyId));
        }
        if (!roles.isEmpty()) {
            conds.add(T_JOB.F_ROLE.in(roles));
        }
        if (!statuses.isEmpty()) {
            conds.add(T_JOB.F_STATUS.in(statuses));
        }
        Map<String, Field<?>> orderable = Map.of("job_id", T_JOB.F_JOB_ID, "create_time", T_JOB.F_CREATE_TIME,
                "start_time", T_JOB.F_START_TIME, "end_time", T_JOB.F_END_TIME, "elapsed", T_JOB.F_ELAPSED);
        Field<?> by = orderable.get(isBlank(orderBy) ? "create_time" : orderBy);
        if (by == null) {
            throw FlowException.argument("order_by must be one of " + new TreeSet<>(orderable.keySet()));
        }
        SortField<?> sort = "asc".equalsIgnoreCase(order) ? by.asc() : by.desc();
        int count = dsl.fetchCount(T_JOB, conds);
        var q = dsl.selectFrom(T_JOB).where(conds).orderBy(sort);
        var records = limit > 0 ? q.limit(limit).offset(Math.max(0, page - 1) * limit).fetch() : q.fetch();
        return new Page<>(records, count);
    }

    /** A job's row for a role and party (any when not given). */
    public Optional<TJobRecord> jobRow(String jobId, String role, String partyId) {
        var q = dsl.selectFrom(T_JOB).where(T_JOB.F_JOB_ID.eq(jobId));
        if (!isBlank(role)) {
            q = q.and(T_JOB.F_ROLE.eq(role));
        }
        if (!isBlank(partyId)) {
            q = q.and(T_JOB.F_PARTY_ID.eq(partyId));
        }
        return Optional.ofNullable(q.limit(1).fetchOne());
    }

    /** Sets a job row's notes (FATE's description); false when there is no such row. */
    public boolean updateDescription(String jobId, String role, String partyId, String notes) {
        return dsl.update(T_JOB).set(T_JOB.F_DESCRIPTION, notes == null ? "" : notes)
                .where(T_JOB.F_JOB_ID.eq(jobId), T_JOB.F_ROLE.eq(role), T_JOB.F_PARTY_ID.eq(partyId)).execute() > 0;
    }

    /** FATE's task/query; at least one filter must be given. */
    public List<TTaskRecord> tasks(TaskFilter f) {
        List<Condition> conds = new ArrayList<>();
        if (!isBlank(f.jobId())) {
            conds.add(T_TASK.F_JOB_ID.eq(f.jobId()));
        }
        if (!isBlank(f.component())) {
            conds.add(T_TASK.F_COMPONENT_NAME.eq(f.component()));
        }
        if (!isBlank(f.role())) {
            conds.add(T_TASK.F_ROLE.eq(f.role()));
        }
        if (!isBlank(f.partyId())) {
            conds.add(T_TASK.F_PARTY_ID.eq(f.partyId()));
        }
        if (!isBlank(f.status())) {
            conds.add(T_TASK.F_STATUS.eq(f.status()));
        }
        if (!isBlank(f.taskId())) {
            conds.add(T_TASK.F_TASK_ID.eq(f.taskId()));
        }
        if (f.version() != null) {
            conds.add(T_TASK.F_TASK_VERSION.eq(f.version()));
        }
        if (f.onlyLatest() && f.version() == null) {
            var t2 = T_TASK.as("t2");
            conds.add(T_TASK.F_TASK_VERSION.eq(DSL.select(DSL.max(t2.F_TASK_VERSION)).from(t2)
                    .where(t2.F_JOB_ID.eq(T_TASK.F_JOB_ID), t2.F_TASK_ID.eq(T_TASK.F_TASK_ID),
                            t2.F_ROLE.eq(T_TASK.F_ROLE), t2.F_PARTY_ID.eq(T_TASK.F_PARTY_ID))));
        }
        if (conds.isEmpty()) {
            throw FlowException.notFound("find task failed: give at least one filter (job_id, component_name...)");
        }
        return dsl.selectFrom(T_TASK).where(conds).orderBy(T_TASK.F_CREATE_TIME, T_TASK.F_TASK_VERSION).fetch();
    }

    /** FATE's task/list: paged, ordered by one of a few columns. */
    public Page<TTaskRecord> listTasks(String jobId, String role, String partyId, String component, String orderBy,
                                       String order, int limit, int page) {
        List<Condition> conds = new ArrayList<>();
        if (!isBlank(jobId)) {
            conds.add(T_TASK.F_JOB_ID.eq(jobId));
        }
        if (!isBlank(role)) {
            conds.add(T_TASK.F_ROLE.eq(role));
        }
        if (!isBlank(partyId)) {
            conds.add(T_TASK.F_PARTY_ID.eq(partyId));
        }
        if (!isBlank(component)) {
            conds.add(T_TASK.F_COMPONENT_NAME.eq(component));
        }
        Map<String, Field<?>> orderable = Map.of("create_time", T_TASK.F_CREATE_TIME, "start_time",
                T_TASK.F_START_TIME, "end_time", T_TASK.F_END_TIME, "elapsed", T_TASK.F_ELAPSED, "job_id",
                T_TASK.F_JOB_ID);
        Field<?> by = orderable.get(isBlank(orderBy) ? "create_time" : orderBy);
        if (by == null) {
            throw FlowException.argument("order_by must be one of " + new TreeSet<>(orderable.keySet()));
        }
        SortField<?> sort = "desc".equalsIgnoreCase(order) ? by.desc() : by.asc();
        int count = dsl.fetchCount(T_TASK, conds);
        var q = dsl.selectFrom(T_TASK).where(conds).orderBy(sort, T_TASK.F_TASK_VERSION.asc());
        var records = limit > 0 ? q.limit(limit).offset(Math.max(0, page - 1) * limit).fetch() : q.fetch();
        return new Page<>(records, count);
    }

    /** A record as FATE prints it: f_ keys, JSON columns as JSON, times as ms and as dates. */
    public static ObjectNode row(Record r) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        for (Field<?> field : r.fields()) {
            put(o, field.getName(), r.get(field));
        }
        return o;
    }

    private static void put(ObjectNode o, String name, Object v) {
        if (v == null) {
            o.putNull(name);
        } else if (v instanceof JSONB j) {
            o.set(name, Json.parse(j.data()));
        } else if (v instanceof Long l) {
            o.put(name, l);
        } else if (v instanceof Integer i) {
            o.put(name, i);
        } else if (v instanceof Boolean b) {
            o.put(name, b);
        } else {
            o.put(name, v.toString());
        }
        if (name.endsWith("_time") && v instanceof Long l && !name.equals("f_elapsed")) {
            o.put(name.substring(0, name.length() - "_time".length()) + "_date",
                    DATE.format(Instant.ofEpochMilli(l)));
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
