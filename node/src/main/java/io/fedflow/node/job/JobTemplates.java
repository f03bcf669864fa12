package io.fedflow.node.job;

import io.fedflow.node.core.FlowException;
import io.fedflow.node.tracking.TarGz;
import io.fedflow.proto.RetCode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * FATE's job templates ({@code /v1/template/download}): the repository's {@code examples/} DSLs, confs and CSVs,
 * shipped inside the node jar, as a tar.gz whose entries sit under {@code examples/}.
 */
public final class JobTemplates {
    /** Where the build puts the examples among the node's resources. */
    static final String RESOURCE = "/fedflow/templates/examples";
    /** With {@code min_data}, as FATE keeps only its min-test tables, the data folder keeps the breast pair. */
    static final Set<String> MIN_DATA = Set.of("data/breast_hetero_guest.csv", "data/breast_hetero_host.csv");

    private JobTemplates() {}

    /** The file name FATE gives the archive. */
    public static String fileName() {
        return "template.tar.gz";
    }

    /** Writes the archive; does not close {@code out}. */
    public static void write(boolean minData, OutputStream out) throws IOException {
        URL url = JobTemplates.class.getResource(RESOURCE);
        if (url == null) {
            throw new FlowException(RetCode.NO_DATA, "this node was built without its examples");
        }
        URI uri;
        try {
            uri = url.toURI();
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        if ("jar".equals(uri.getScheme())) {
            FileSystem jar;
            boolean opened = false;
            try {
                jar = FileSystems.getFileSystem(uri);
            } catch (FileSystemNotFoundException e) {
                jar = FileSystems.newFileSystem(uri, Map.of());
                opened = true;
            }
            try {
                write(jar.provider().getPath(uri), minData, out);
            } finally {
                if (opened) {
                    jar.close();
                }
            }
        } else {
            write(Path.of(uri), minData, out);
        }
    }

    private static void write(Path root, boolean minData, OutputStream out) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(root)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        try (TarGz tar = new TarGz(out)) {
            for (Path f : files) {
                String rel = root.relativize(f).toString().replace('\\', '/');
                if (minData && rel.startsWith("data/") && !MIN_DATA.contains(rel)) {
                    continue;
                }
                tar.entry("examples/" + rel, Files.readAllBytes(f), Files.getLastModifiedTime(f).toMillis() / 1000);
            }
        }
    }
}
