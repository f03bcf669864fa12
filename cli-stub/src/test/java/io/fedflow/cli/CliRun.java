package io.fedflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.stream.Stream;
import picocli.CommandLine;

/** One in-process CLI invocation against a server: exit code, stdout parsed as the envelope, stderr. */
record CliRun(int exit, JsonNode out, String err) {
    private static final ObjectMapper JSON = new ObjectMapper();

    int retcode() {
        return out.path("retcode").asInt(-1);
    }

    /** Asserts the run exited 0 with retcode 0 (else fails showing what it printed); answers the run. */
    static CliRun ok(CliRun run) {
        assertThat(run.exit()).as(run.out() + " " + run.err()).isZero();
        assertThat(run.retcode()).isZero();
        return run;
    }

    /** An invocation whose output is text, not an envelope (help): exit code, stdout, stderr. */
    record Text(int exit, String out, String err) {}

    static Text text(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = FlowCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Text(exit, out.toString(), err.toString());
    }

    static CliRun flow(String server, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = FlowCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] all = Stream.concat(Stream.of("--server", server), Stream.of(args)).toArray(String[]::new);
        int exit = cli.execute(all);
        try {
            return new CliRun(exit, JSON.readTree(out.toString()), err.toString());
        } catch (IOException e) {
            throw new AssertionError("stdout is not JSON: " + out + "\nstderr: " + err, e);
        }
    }
}
