package io.fedflow.node.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedflow.node.testing.TestNodes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The tests' node databases are copies of a template migrated once per JVM ({@link TestNodes#newDatabase}): a copy
 * must be what a node's first start makes of an empty database, or every test over it would prove the wrong
 * schema. Compared through PostgreSQL's own catalog: every relation with its columns, every index, constraint,
 * trigger, function and sequence by its definition, every row of every table, and Flyway's history (version,
 * script, checksum, success).
 */
class MigratedTemplateTest {
    private static final List<String> DESCRIBE = List.of(
            "SELECT n.nspname || '.' || c.relname || ' ' || c.relkind::text FROM pg_class c"
                    + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')",
            "SELECT table_schema || '.' || table_name || '.' || column_name || ' ' || data_type || ' '"
                    + " || is_nullable || ' ' || coalesce(column_default, '') FROM information_schema.columns"
                    + " WHERE table_schema NOT IN ('pg_catalog', 'information_schema')",
            "SELECT schemaname || '.' || indexname || ' ' || indexdef FROM pg_indexes"
                    + " WHERE schemaname NOT IN ('pg_catalog', 'information_schema')",
            "SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint"
                    + " WHERE connamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)",
            "SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal",
            "SELECT pg_get_functiondef(p.oid) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                    + " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')",
            "SELECT schemaname || '.' || sequencename || ' ' || coalesce(last_value, 0) FROM pg_sequences",
            "SELECT nspname || ' ' || pg_get_userbyid(nspowner) FROM pg_namespace",
            "SELECT version || ' ' || script || ' ' || coalesce(checksum, 0) || ' ' || success"
                    + " FROM flyway_schema_history");

    @Test
    void aCopyOfTheTemplateIsWhatMigratingAnEmptyDatabaseMakes() throws Exception {
        String copy = TestNodes.newDatabase();
        String migrated = TestNodes.newEmptyDatabase();
        Database.external(migrated, "postgres", null).close();

        List<String> fromCopy = describe(copy);
        assertThat(fromCopy).as("the copy holds the migrations' tables and Flyway's history")
                .anyMatch(line -> line.startsWith("public.t_job "))
                .anyMatch(line -> line.startsWith("19 V19__job_notify.sql "))
                .anyMatch(line -> line.contains("TRIGGER t_job_notify"));
        assertThat(fromCopy).containsExactlyElementsOf(describe(migrated));
    }

    private static List<String> describe(String url) throws SQLException {
        List<String> lines = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, "postgres", null); Statement s = c.createStatement()) {
            for (String query : DESCRIBE) {
                lines.addAll(sorted(s, query));
            }
            List<String> tables = sorted(s, "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename)"
                    + " FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
                    + " AND tablename <> 'flyway_schema_history'");
            for (String table : tables) {
                for (String row : sorted(s, "SELECT t::text FROM " + table + " t")) {
                    lines.add(table + " row " + row);
                }
            }
        }
        return lines;
    }

    private static List<String> sorted(Statement s, String query) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(query)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        out.sort(null);
        return out;
    }
}
