package io.fedflow.node.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A postmaster that outlived its node (the node's JVM was killed: no shutdown hook ran) still holds the
 * data directory, and PostgreSQL refuses a second one over it. Found through {@code postmaster.pid} and
 * stopped, but only when it is a postgres serving this very directory and no live node owns it.
 */
final class OrphanPostmaster {
    private static final Logger logger = LoggerFactory.getLogger(OrphanPostmaster.class);
    /** Zonky's own lock file in the data directory, held by the process that started the postmaster. */
    private static final String ZONKY_LOCK = "epg-lock";

    private OrphanPostmaster() {}

    /**
     * Stops the postmaster left running over {@code dataDir}, if there is one. The caller holds the node
     * lock, so no node of this version runs over the directory; zonky's lock tells about older ones.
     */
    static void stopIfLeftOver(Path dataDir, PgBinaries binaries) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.size() < 2) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(lines.get(0).trim());
        } catch (NumberFormatException e) {
            return;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (process.isEmpty() || !servesDirectory(lines.get(1).trim(), dataDir) || !isPostgres(process.get())) {
            return; // nothing running, or not ours: PostgreSQL itself deals with a stale file
        }
        if (ownedByALiveProcess(dataDir)) {
            throw new IllegalStateException("PostgreSQL in " + dataDir + " belongs to a running node (pid file "
                    + pidFile + "); stop that node first");
        }
        logger.warn("stopping PostgreSQL (pid {}) left running over {} by a node that is gone", pid, dataDir);
        stop(binaries, dataDir, "fast");
        if (!awaitExit(process.get())) {
            stop(binaries, dataDir, "immediate");
            if (!awaitExit(process.get())) {
                throw new IllegalStateException("could not stop PostgreSQL (pid " + pid + ") left over in "
                        + dataDir);
            }
        }
    }

    private static void stop(PgBinaries binaries, Path dataDir, String mode) {
        try {
            binaries.run("pg_ctl", List.of("stop", "-D", dataDir.toString(), "-m", mode, "-w", "-t", "20"), null,
                    null);
        } catch (IOException e) {
            logger.warn("pg_ctl stop -m {} over {}: {}", mode, dataDir, e.getMessage());
        }
    }

    private static boolean awaitExit(ProcessHandle process) {
        try {
            process.onExit().get(30, TimeUnit.SECONDS);
            return true;
        } catch (TimeoutException e) {
            return !process.isAlive();
        } catch (ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    private static boolean servesDirectory(String pidFileDir, Path dataDir) {
        try {
            return Files.isSameFile(Path.of(pidFileDir), dataDir);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean isPostgres(ProcessHandle process) {
        return process.info().command()
                .map(c -> Path.of(c).getFileName().toString())
                .map(name -> name.equals("postgres") || name.equals("postmaster"))
                .orElse(false);
    }

    /** Whether a live process (an older node, or another embedded instance of this JVM) holds zonky's lock. */
    private static boolean ownedByALiveProcess(Path dataDir) throws IOException {
        Path lockFile = dataDir.resolve(ZONKY_LOCK);
        if (!Files.exists(lockFile)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        }
    }
}
