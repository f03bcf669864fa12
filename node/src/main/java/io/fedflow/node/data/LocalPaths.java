package io.fedflow.node.data;

import io.fedflow.node.core.FlowException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Confines server-side paths named by callers to one directory. FATE reads and writes any path the
 * caller names; Fedflow keeps the fields but refuses anything that leaves the configured directory:
 * {@code ..} segments, absolute paths elsewhere, symbolic links pointing out.
 */
public final class LocalPaths {
    private final Path root;
    private final String what;

    public LocalPaths(Path root, String what) {
        this.root = root.toAbsolutePath().normalize();
        this.what = what;
    }

    public Path root() {
        return root;
    }

    /** Resolves {@code requested} (relative to the root, or absolute inside it) or refuses it. */
    public Path resolve(String requested, String field) {
        if (requested == null || requested.isBlank()) {
            throw FlowException.argument("required argument are missing: " + field);
        }
        Path p;
        try {
            p = Paths.get(requested);
        } catch (RuntimeException e) {
            throw FlowException.argument(field + " is not a valid path: " + requested);
        }
        for (Path segment : p) {
            if (segment.toString().equals("..")) {
                throw refused(requested, field);
            }
        }
        Path target = (p.isAbsolute() ? p : root.resolve(p)).normalize();
        if (!target.startsWith(root) || target.equals(root)) {
            throw refused(requested, field);
        }
        try {
            Files.createDirectories(root);
            Path realRoot = root.toRealPath();
            // Follow whatever part of the path exists: a symbolic link anywhere on it must stay inside.
            Path existing = target;
            while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
                existing = existing.getParent();
            }
            if (existing == null || !existing.toRealPath().startsWith(realRoot)) {
                throw refused(requested, field);
            }
            if (Files.isSymbolicLink(target)) {
                throw refused(requested, field);
            }
        } catch (IOException e) {
            throw refused(requested, field);
        }
        return target;
    }

    private FlowException refused(String requested, String field) {
        return FlowException.argument(field + " " + requested + " is outside the " + what + " directory "
                + root + "; give a path relative to it");
    }
}
