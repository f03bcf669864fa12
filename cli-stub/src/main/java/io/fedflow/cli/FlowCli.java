package io.fedflow.cli;

import com.google.protobuf.Value;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.FlowResponse;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code flow}: FATE-Flow's command line over Fedflow's gRPC API. Command and flag names follow FATE's
 * {@code flow} CLI; every command prints FATE's envelope and exits 0 only when {@code retcode} is 0.
 */
@Command(name = "flow", mixinStandardHelpOptions = true, version = "fedflow-cli 0.1.0",
        description = "Fedflow client (FATE-Flow's `flow` command line over gRPC).",
        subcommands = {DataCommand.class, TableCommand.class, JobCommand.class, TaskCommand.class,
                ComponentCommand.class, ResourceCommand.class, QueueCommand.class, SiteCommand.class,
                KeyCommand.class, TagCommand.class, ModelCommand.class, ProviderCommand.class,
                ServerCommand.class, CheckpointCommand.class, TemplateCommand.class, TestCommand.class,
                PrivilegeCommand.class, ServiceCommand.class})
public final class FlowCli {
    @Option(names = "--server", defaultValue = "127.0.0.1:9380", paramLabel = "HOST:PORT", scope = ScopeType.INHERIT,
            description = "The node's client port (default: ${DEFAULT-VALUE}).")
    String server;

    @Spec
    CommandSpec spec;

    /** One RPC (or a few) on an open channel; returns the envelope to print. */
    @FunctionalInterface
    interface Call {
        FlowResponse on(ManagedChannel channel) throws IOException;
    }

    /**
     * Runs {@code call} on a fresh channel (a CLI invocation makes one connection, as FATE's does), prints
     * the envelope, whatever way it failed, and returns the exit code.
     */
    int call(Call call) {
        return call(call, Map.of());
    }

    /**
     * As {@link #call(Call)}, with top-level keys printed beside the envelope's that the command fills in
     * while it runs (FATE's CLI adds {@code directory} after a download).
     */
    int call(Call call, Map<String, Value> extra) {
        FlowResponse response;
        ManagedChannel channel = null;
        try {
            channel = Channels.open(server);
            response = call.on(channel);
        } catch (StatusRuntimeException e) {
            response = Envelope.fromStatus(e, server);
        } catch (Envelope.Failure e) {
            response = Envelope.failure(e.retcode(), e.getMessage());
        } catch (IOException | RuntimeException e) {
            // Anything else (unwritable output_path, bad path syntax...): still an envelope, not a stack trace.
            response = Envelope.failure(RetCode.EXCEPTION_ERROR.code(), e.toString());
        } finally {
            if (channel != null) {
                Channels.close(channel);
            }
        }
        return print(response, response.getRetcode() == 0 ? extra : Map.of());
    }

    /** Prints an envelope built without the server (client-side failures). */
    int print(FlowResponse response) {
        return print(response, Map.of());
    }

    int print(FlowResponse response, Map<String, Value> extra) {
        spec.commandLine().getOut().println(Envelope.pretty(response, extra));
        spec.commandLine().getOut().flush();
        return response.getRetcode() == 0 ? 0 : 1;
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /**
     * The command line as {@code main} runs it. picocli's own {@code @file} argument files are off: options
     * such as {@code --public-key @host.pub.pem} read the file themselves, as curl does. Help lists commands
     * as FATE's CLI does ({@link CommandList}).
     */
    static CommandLine commandLine() {
        return CommandList.install(new CommandLine(new FlowCli()).setExpandAtFiles(false));
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
