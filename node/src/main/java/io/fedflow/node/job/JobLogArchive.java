package io.fedflow.node.job;

import io.fedflow.node.tracking.TarGz;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** A job's log directory as a tar.gz (FATE's {@code job_<id>_log.tar.gz}), streamed file by file. */
public final class JobLogArchive {
    private JobLogArchive() {}

    /** Writes {@code dir}'s files under a top folder named like {@code dir}; does not close {@code out}. */
    public static void write(Path dir, OutputStream out) throws IOException {
        try (TarGz tar = new TarGz(out)) {
            if (Files.isDirectory(dir)) {
                List<Path> files;
                try (Stream<Path> s = Files.walk(dir)) {
                    files = s.filter(Files::isRegularFile).sorted().toList();
                }
                for (Path f : files) {
                    String name = dir.getFileName() + "/" + dir.relativize(f).toString().replace('\\', '/');
                    tar.entry(name, f);
                }
            }
        }
    }

    /** The file name FATE gives the archive. */
    public static String fileName(String jobId) {
        return "job_" + jobId + "_log.tar.gz";
    }
}
