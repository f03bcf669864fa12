import java.io.InputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * On demand, not part of the build: the Java side of an upload alone. Runs the build's (package-private)
 * CsvLoader.load on a CSV file into a scratch table of a running node's embedded PostgreSQL (rolled back)
 * and prints the loader thread's CPU, the wall time and the GC time per iteration. No HTTP, no index.
 * <pre>
 *   java -cp "node/target/fedflow-node-0.1.0-SNAPSHOT.jar:$(cat node/target/classpath.txt)" \
 *        bench/LoaderCpu.java DATA_DIR/pg bench/work/bench-210mb-seed20240611.csv 4
 * </pre>
 */
public class LoaderCpu {
    public static void main(String[] a) throws Exception {
        int port = Integer.parseInt(Files.readAllLines(Path.of(a[0]).resolve("postmaster.pid")).get(3).trim());
        Path csv = Path.of(a[1]);
        int iterations = Integer.parseInt(a[2]);
        Method load = Class.forName("io.fedflow.node.data.CsvLoader").getDeclaredMethod("load", Connection.class,
                String.class, InputStream.class, String.class, boolean.class);
        load.setAccessible(true);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (Connection conn = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                "postgres", superuserPassword(Path.of(a[0])))) {
            conn.setAutoCommit(false);
            for (int i = 0; i < iterations; i++) {
                try (Statement st = conn.createStatement()) {
                    st.execute("CREATE TABLE public.loader_cpu_scratch (f_line BIGINT NOT NULL, f_key TEXT NOT NULL, "
                            + "f_value TEXT NOT NULL)");
                }
                long gc0 = gcMillis();
                long cpu0 = threads.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                try (InputStream in = Files.newInputStream(csv)) {
                    load.invoke(null, conn, "public.loader_cpu_scratch", in, ",", true);
                }
                long cpu = threads.getCurrentThreadCpuTime() - cpu0;
                long wall = System.nanoTime() - t0;
                conn.rollback();
                System.out.printf("iter %d: loader thread CPU %.3f s, wall %.3f s, GC time %d ms%n", i, cpu / 1e9,
                        wall / 1e9, gcMillis() - gc0);
            }
        }
    }

    static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
    }

    /** The embedded PostgreSQL admits its superuser by password only (pg-private/ beside the pg directory). */
    static String superuserPassword(Path pgDir) throws java.io.IOException {
        return Files.readString(pgDir.toAbsolutePath().resolveSibling(pgDir.toAbsolutePath().getFileName() + "-private")
                .resolve("superuser.password")).strip();
    }
}
