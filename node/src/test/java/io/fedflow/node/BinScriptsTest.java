package io.fedflow.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The launch scripts of {@code bin/}, each run from a copy of the checkout layout with nothing built and
 * stand-ins for {@code mvn} and {@code java} on the PATH that record how they were called.
 */
class BinScriptsTest {
    @TempDir
    Path root;

    @ParameterizedTest
    @CsvSource({"fedflow-node, node/target", "flow, cli-stub/target", "fedflow-demo, examples/target"})
    void skipBuildRunsWhatIsBuiltWithoutCallingMaven(String script, String target) throws Exception {
        Path log = prepare(script, target);
        Result r = run(script, Map.of("FEDFLOW_SKIP_BUILD", "1"));
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(Files.readString(log)).doesNotContain("mvn").contains("java ");
    }

    @ParameterizedTest
    @CsvSource({"fedflow-node, node/target", "flow, cli-stub/target"})
    void withoutSkipBuildANodeNotBuiltIsBuiltFirst(String script, String target) throws Exception {
        Path log = prepare(script, target);
        run(script, Map.of());
        assertThat(Files.readString(log)).contains("mvn -q -B install -DskipTests");
    }

    /**
     * A node's JVM exits on OutOfMemoryError, so that a supervisor restarts it, and keeps compiled code that went
     * cold, so that the next job does not compile it again (bin/jvm-flags).
     */
    @ParameterizedTest
    @CsvSource({"fedflow-node, node/target", "fedflow-demo, examples/target"})
    void aNodeJvmExitsOnOutOfMemoryAndKeepsColdCompiledCode(String script, String target) throws Exception {
        Path log = prepare(script, target);
        run(script, Map.of("FEDFLOW_SKIP_BUILD", "1"));
        assertThat(Files.readString(log)).contains("java -XX:+ExitOnOutOfMemoryError -XX:-UseCodeCacheFlushing ");
    }

    private Path prepare(String script, String target) throws IOException {
        Files.createDirectories(root.resolve("bin"));
        Files.copy(Path.of("..", "bin", script), root.resolve("bin").resolve(script));
        Files.copy(Path.of("..", "bin", "jvm-flags"), root.resolve("bin").resolve("jvm-flags"));
        Files.createDirectories(root.resolve(target));
        Files.writeString(root.resolve(target).resolve("classpath.txt"), "");
        Path tools = Files.createDirectories(root.resolve("tools"));
        Path log = root.resolve("calls.log");
        Files.writeString(log, "");
        for (String tool : List.of("mvn", "java")) {
            Path p = tools.resolve(tool);
            Files.writeString(p, "#!/bin/sh\necho \"" + tool + " $*\" >> '" + log + "'\n", StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return log;
    }

    private Result run(String script, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(List.of("bash", root.resolve("bin").resolve(script).toString(), "--help"))
                .redirectErrorStream(true);
        pb.environment().remove("FEDFLOW_SKIP_BUILD");
        pb.environment().remove("FEDFLOW_JAVA_OPTS");
        pb.environment().put("PATH", root.resolve("tools") + ":/usr/bin:/bin");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }

    private record Result(int exit, String output) {}
}
