package io.fedflow.node.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.stream.Stream;

/** Where uploaded files wait on disk while they are loaded (FATE's fate_upload_tmp). */
public final class UploadSpool {
    private final Path dir;

    public UploadSpool(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
            // Left over from a node that died mid-upload: their jobs failed with them.
            try (Stream<Path> old = Files.list(dir)) {
                old.filter(p -> p.getFileName().toString().startsWith("upload-")).forEach(p -> {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException ignored) {
                        // retried at the next start
                    }
                });
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path newFile() throws IOException {
        return Files.createFile(dir.resolve("upload-" + UUID.randomUUID()));
    }
}
