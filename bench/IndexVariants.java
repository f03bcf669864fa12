import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * On demand, not part of the build: what the f_line index costs and where it is best built. Each pass runs,
 * for every mode, the node's load transaction on a CSV file (CREATE TABLE, the build's CsvLoader.load,
 * index, COMMIT) in a running node's embedded PostgreSQL, after an untimed CHECKPOINT, and prints the wall
 * time and PostgreSQL's CPU (postmaster, backends and exited workers). Modes: after (as the node does),
 * after-mwm (maintenance_work_mem 256MB), before (index created before the COPY), pk (primary key before
 * the COPY), none. Medians leave out pass 0.
 * <pre>
 *   java -cp "node/target/fedflow-node-0.1.0-SNAPSHOT.jar:$(cat node/target/classpath.txt)" \
 *        bench/IndexVariants.java DATA_DIR/pg bench/work/bench-210mb-seed20240611.csv 6 after,after-mwm,before,pk,none
 * </pre>
 */
public class IndexVariants {
    public static void main(String[] a) throws Exception {
        Path pgDir = Path.of(a[0]);
        int port = Integer.parseInt(Files.readAllLines(pgDir.resolve("postmaster.pid")).get(3).trim());
        Path csv = Path.of(a[1]);
        int passes = Integer.parseInt(a[2]);
        String[] modes = a[3].split(",");
        Method load = Class.forName("io.fedflow.node.data.CsvLoader").getDeclaredMethod("load", Connection.class,
                String.class, InputStream.class, String.class, boolean.class);
        load.setAccessible(true);
        Map<String, List<double[]>> results = new TreeMap<>();
        try (Connection conn = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                "postgres", superuserPassword(pgDir))) {
            for (int p = 0; p < passes; p++) {
                for (String mode : modes) {
                    conn.setAutoCommit(true);
                    try (Statement st = conn.createStatement()) {
                        st.execute("DROP TABLE IF EXISTS public.index_variants_scratch");
                        st.execute("CHECKPOINT");
                    }
                    conn.setAutoCommit(false);
                    long pg0 = pgTicks(pgDir);
                    long t0 = System.nanoTime();
                    long indexNanos;
                    try (Statement st = conn.createStatement()) {
                        st.execute("CREATE TABLE public.index_variants_scratch (f_line BIGINT"
                                + (mode.equals("pk") ? " PRIMARY KEY" : " NOT NULL")
                                + ", f_key TEXT NOT NULL, f_value TEXT NOT NULL)");
                        if (mode.equals("before")) {
                            st.execute("CREATE INDEX ON public.index_variants_scratch (f_line)");
                        }
                        try (InputStream in = Files.newInputStream(csv)) {
                            load.invoke(null, conn, "public.index_variants_scratch", in, ",", true);
                        }
                        long ti = System.nanoTime();
                        if (mode.equals("after-mwm")) {
                            st.execute("SET LOCAL maintenance_work_mem = '256MB'");
                        }
                        if (mode.startsWith("after")) {
                            st.execute("CREATE INDEX ON public.index_variants_scratch (f_line)");
                        }
                        indexNanos = System.nanoTime() - ti;
                    }
                    conn.commit();
                    double wall = (System.nanoTime() - t0) / 1e9;
                    double pg = (pgTicks(pgDir) - pg0) / 100.0;
                    if (p > 0) {
                        results.computeIfAbsent(mode, k -> new ArrayList<>()).add(new double[] {wall, indexNanos / 1e9, pg});
                    }
                    System.out.printf("pass %d %-10s wall %.2f s (index step %.2f s), PostgreSQL CPU %.2f s; loadavg %s%n",
                            p, mode, wall, indexNanos / 1e9, pg, Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
                }
            }
            try (Statement st = conn.createStatement()) {
                conn.setAutoCommit(true);
                st.execute("DROP TABLE IF EXISTS public.index_variants_scratch");
            }
        }
        results.forEach((mode, rs) -> System.out.printf("median %-10s wall %.2f s, index step %.2f s, "
                + "PostgreSQL CPU %.2f s (n=%d)%n", mode, median(rs, 0), median(rs, 1), median(rs, 2), rs.size()));
    }

    static double median(List<double[]> rs, int i) {
        List<Double> v = new ArrayList<>();
        rs.forEach(r -> v.add(r[i]));
        Collections.sort(v);
        return v.get(v.size() / 2);
    }

    /** utime+stime of the postmaster and its live children, plus the postmaster's cutime+cstime. */
    static long pgTicks(Path pgDir) throws IOException {
        long postmaster = Long.parseLong(Files.readAllLines(pgDir.resolve("postmaster.pid")).get(0).trim());
        String[] f = stat(postmaster);
        long ticks = Long.parseLong(f[13]) + Long.parseLong(f[14]) + Long.parseLong(f[11]) + Long.parseLong(f[12]);
        for (ProcessHandle child : ProcessHandle.of(postmaster).orElseThrow().children().toList()) {
            try {
                String[] g = stat(child.pid());
                ticks += Long.parseLong(g[11]) + Long.parseLong(g[12]);
            } catch (IOException e) {
                // exited meanwhile: counted in the postmaster's cutime
            }
        }
        return ticks;
    }

    static String[] stat(long pid) throws IOException {
        String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return s.substring(s.lastIndexOf(')') + 2).split(" ");
    }

    /** The embedded PostgreSQL admits its superuser by password only (pg-private/ beside the pg directory). */
    static String superuserPassword(Path pgDir) throws java.io.IOException {
        return Files.readString(pgDir.toAbsolutePath().resolveSibling(pgDir.toAbsolutePath().getFileName() + "-private")
                .resolve("superuser.password")).strip();
    }
}
