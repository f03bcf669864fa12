package io.fedflow.node.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL, locked down: a generated superuser password (SCRAM-SHA-256) and pg_hba allowing
 * passwords only, on TCP and on a Unix socket kept in an owner-only directory beside the data; the node
 * itself works as {@value #NODE_ROLE}, a role that owns the node's schemas and nothing more, so a query
 * it runs cannot read server files or the password hashes.
 *
 * <p>Layout: {@code <pg>} is PostgreSQL's data directory; {@code <pg>-private/} (0700) holds the two
 * passwords (0600), the socket and the lock a running node holds. A data directory made by an older node
 * (trust, no password) is brought to this on its next start; so is one a killed node left a postmaster
 * running over.
 */
public final class EmbeddedPostgresSetup implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(EmbeddedPostgresSetup.class);

    /** The role the node connects as: owns its schemas, no superuser, no file access. */
    public static final String NODE_ROLE = "fedflow";
    public static final String SUPERUSER = "postgres";
    static final String SUPERUSER_PASSWORD_FILE = "superuser.password";
    static final String NODE_PASSWORD_FILE = "node.password";
    private static final String LOCK_FILE = "node.lock";
    /** First line of the pg_hba.conf this class writes; its absence marks a directory still to upgrade. */
    private static final String HBA_MARKER = "# fedflow node: passwords (SCRAM) only, written on every start";
    private static final Pattern PASSWORD = Pattern.compile("[A-Za-z0-9_-]{32,}");
    /** Linux's sun_path holds 108 bytes; longer socket paths cannot be bound at all. */
    private static final int MAX_SOCKET_PATH = 100;

    private final EmbeddedPostgres postgres;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final String nodePassword;
    private final Path privateDir;

    private EmbeddedPostgresSetup(EmbeddedPostgres postgres, FileChannel lockChannel, FileLock lock,
                                  String nodePassword, Path privateDir) {
        this.postgres = postgres;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.nodePassword = nodePassword;
        this.privateDir = privateDir;
    }

    /** The owner-only directory beside a PostgreSQL data directory: passwords, socket, node lock. */
    public static Path privateDir(Path pgData) {
        Path data = pgData.toAbsolutePath().normalize();
        return data.resolveSibling(data.getFileName() + "-private");
    }

    /** Starts (creating, upgrading or recovering as needed) the PostgreSQL kept in {@code pgData}. */
    public static EmbeddedPostgresSetup start(Path pgData) throws IOException {
        Path data = pgData.toAbsolutePath().normalize();
        Path priv = privateDir(data);
        ownerOnlyDirectory(priv);
        FileChannel lockChannel = FileChannel.open(priv.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lockChannel.close();
            throw new IllegalStateException("another node is running over " + data + " (it holds "
                    + priv.resolve(LOCK_FILE) + ")");
        }
        try {
            return start(data, priv, lockChannel, lock);
        } catch (IOException | RuntimeException e) {
            lock.release();
            lockChannel.close();
            throw e;
        }
    }

    private static EmbeddedPostgresSetup start(Path data, Path priv, FileChannel lockChannel, FileLock lock)
            throws IOException {
        Files.createDirectories(data);
        boolean fresh = !Files.exists(data.resolve("postgresql.conf"));
        PgBinaries binaries = PgBinaries.bundled();
        if (!fresh) {
            OrphanPostmaster.stopIfLeftOver(data, binaries);
        }
        Path superuserFile = priv.resolve(SUPERUSER_PASSWORD_FILE);
        boolean newSuperuserPassword = !Files.exists(superuserFile);
        String superuserPassword = loadOrCreatePassword(superuserFile);
        String nodePassword = loadOrCreatePassword(priv.resolve(NODE_PASSWORD_FILE));
        if (!fresh && (newSuperuserPassword || !hbaIsOurs(data))) {
            // A cluster made by an older node (trust, no password) or whose password file was lost: the
            // password is set with the server down (single-user mode), so there is no moment when the
            // server is up and open to anyone.
            logger.info("setting the superuser password of the embedded PostgreSQL in {}", data);
            binaries.run("postgres", List.of("--single", "-D", data.toString(), "postgres"),
                    "ALTER ROLE " + SUPERUSER + " PASSWORD '" + superuserPassword + "';\n", superuserPassword);
        }
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                // zonky turns durability off by default; a node's state must survive a crash.
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("listen_addresses", "localhost")
                .setServerConfig("password_encryption", "scram-sha-256")
                .setServerConfig("unix_socket_permissions", "0700")
                .setServerConfig("unix_socket_directories", socketDirectories(priv))
                .setConnectConfig("password", superuserPassword)
                .setDataDirectoryCustomizer(dir -> writeHba(dir.toPath()));
        if (fresh) {
            // zonky's initdb passes these on as --auth scram-sha-256 --pwfile FILE (after its own -A trust,
            // which they override): the cluster has its password from the first moment.
            builder.setLocaleConfig("auth", "scram-sha-256").setLocaleConfig("pwfile", superuserFile.toString());
        }
        EmbeddedPostgres postgres = builder.start();
        try {
            NodeRole.ensure(postgres.getJdbcUrl(SUPERUSER, "postgres"), superuserPassword, nodePassword);
        } catch (SQLException | RuntimeException e) {
            postgres.close();
            throw new IOException("cannot set up the node's role in the embedded PostgreSQL: " + e.getMessage(), e);
        }
        return new EmbeddedPostgresSetup(postgres, lockChannel, lock, nodePassword, priv);
    }

    /** Where the node connects, as {@link #NODE_ROLE}. */
    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
    }

    public String user() {
        return NODE_ROLE;
    }

    public String password() {
        return nodePassword;
    }

    public int port() {
        return postgres.getPort();
    }

    public Path privateDirectory() {
        return privateDir;
    }

    @Override
    public void close() throws IOException {
        try {
            postgres.close();
        } finally {
            try {
                lock.release();
            } finally {
                lockChannel.close();
            }
        }
    }

    /**
     * The socket in the private directory, quoted for the shell pg_ctl hands its options to; none at all
     * when the path is too long for a socket or cannot be quoted (the node itself connects by TCP).
     */
    private static String socketDirectories(Path priv) {
        String dir = priv.toString();
        if (dir.length() + "/.s.PGSQL.65535".length() > MAX_SOCKET_PATH || dir.contains("'")) {
            logger.warn("{} is too long a path for PostgreSQL's Unix socket: the embedded PostgreSQL listens "
                    + "on TCP only", priv);
            return "''";
        }
        return "'" + dir + "'";
    }

    private static boolean hbaIsOurs(Path data) throws IOException {
        Path hba = data.resolve("pg_hba.conf");
        return Files.exists(hba) && Files.readString(hba).startsWith(HBA_MARKER);
    }

    private static void writeHba(Path data) {
        String hba = HBA_MARKER + "\n"
                + "# TYPE  DATABASE  USER  ADDRESS       METHOD\n"
                + "local   all       all                 scram-sha-256\n"
                + "host    all       all   127.0.0.1/32  scram-sha-256\n"
                + "host    all       all   ::1/128       scram-sha-256\n";
        try {
            writeOwnerOnly(data.resolve("pg_hba.conf"), hba);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String loadOrCreatePassword(Path file) throws IOException {
        if (Files.exists(file)) {
            String password = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (!PASSWORD.matcher(password).matches()) {
                throw new IllegalStateException(file + " does not hold a password this node generated; restore "
                        + "it or remove it to have the password reset on the next start");
            }
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            return password;
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        writeOwnerOnly(file, password + "\n");
        return password;
    }

    /** Written whole under a temporary name created 0600, then moved in place: never readable by others. */
    private static void writeOwnerOnly(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void ownerOnlyDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir.getParent());
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }

    /** The node's role and the ownership of its schemas, brought up to date on every start. */
    private static final class NodeRole {
        private NodeRole() {}

        static void ensure(String superuserUrl, String superuserPassword, String nodePassword) throws SQLException {
            Properties p = new Properties();
            p.setProperty("user", SUPERUSER);
            p.setProperty("password", superuserPassword);
            try (Connection c = DriverManager.getConnection(superuserUrl, p); Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + NODE_ROLE
                        + "') THEN CREATE ROLE " + NODE_ROLE + "; END IF; END $$");
                s.execute("ALTER ROLE " + NODE_ROLE + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION "
                        + "NOBYPASSRLS PASSWORD '" + nodePassword + "'");
                // Database opening checks its data schema with CREATE SCHEMA IF NOT EXISTS, which asks for this.
                s.execute("GRANT CREATE ON DATABASE postgres TO " + NODE_ROLE);
                // Schemas: the bookkeeping in public (Flyway's), uploaded rows in the data schema; both the
                // node's, with whatever an older node created in them as the superuser.
                s.execute("ALTER SCHEMA public OWNER TO " + NODE_ROLE);
                s.execute("CREATE SCHEMA IF NOT EXISTS " + Database.DATA_SCHEMA + " AUTHORIZATION " + NODE_ROLE);
                s.execute("ALTER SCHEMA " + Database.DATA_SCHEMA + " OWNER TO " + NODE_ROLE);
                s.execute("DO $$ DECLARE r record; BEGIN"
                        + " FOR r IN SELECT c.oid::regclass AS rel, c.relkind FROM pg_class c"
                        + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                        + " WHERE n.nspname IN ('public', '" + Database.DATA_SCHEMA + "')"
                        + " AND c.relowner <> '" + NODE_ROLE + "'::regrole"
                        + " AND (c.relkind IN ('r', 'p', 'v', 'm', 'f') OR c.relkind = 'S' AND NOT EXISTS"
                        + " (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))"
                        + " LOOP EXECUTE format('ALTER %s %s OWNER TO " + NODE_ROLE + "', CASE r.relkind"
                        + " WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'"
                        + " WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, r.rel);"
                        + " END LOOP; END $$");
                c.commit();
            }
        }
    }
}
