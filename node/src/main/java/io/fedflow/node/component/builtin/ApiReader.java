package io.fedflow.node.component.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.component.Component;
import io.fedflow.node.component.ComponentContext;
import io.fedflow.node.component.ComponentDefinition;
import io.fedflow.node.component.DataServiceClient;
import io.fedflow.node.component.InputRule;
import io.fedflow.node.component.Param;
import io.fedflow.node.component.ParamSpec;
import io.fedflow.node.component.TableInput;
import io.fedflow.node.core.FlowException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * FATE's ApiReader (seed 003): at a party whose parameters name a {@code server_name}, sends its input table's
 * ids to that server's registered {@code upload} service, polls {@code query} until the service's job says
 * success, and writes what {@code download} streams back (a CSV with a header, ids first) as its output table,
 * the way an upload writes one. Where no {@code server_name} is set (usually the guest) the input passes through.
 * Any failing step fails the task with the service's own answer; the output table is written in one
 * transaction, so a failure leaves none.
 */
public final class ApiReader implements Component {
    /** FATE's default: eight hours for the service's job to finish. */
    static final int DEFAULT_TIMEOUT_SECONDS = 60 * 60 * 8;
    /** The first wait between polls; the waits double up to the node's poll interval. */
    private static final Duration FIRST_WAIT = Duration.ofSeconds(1);
    /** Statuses after which the service's job will not succeed any more. */
    private static final Set<String> FAILED = Set.of("failed", "failure", "fail", "error", "canceled", "cancelled",
            "timeout");

    private final DataServiceClient services;
    private final Duration pollInterval;

    private ApiReader(DataServiceClient services, Duration pollInterval) {
        this.services = services;
        this.pollInterval = pollInterval;
    }

    /** The module over the registered data services, polling their query at most {@code pollInterval} apart. */
    public static ComponentDefinition definition(DataServiceClient services, Duration pollInterval) {
        Map<String, ParamSpec> params = Map.of(
                "server_name", Param.string(),
                "parameters", Param.object(),
                "id_delimiter", Param.string().where(v -> !v.asText().isEmpty(), "not empty"),
                "head", Param.any().where(v -> v.isBoolean() || v.isIntegralNumber() && (v.asInt() == 0
                        || v.asInt() == 1), "true, false, 1 or 0"),
                "extend_sid", Param.bool(),
                "timeout", Param.integer().atLeast(1));
        return new ComponentDefinition("ApiReader", List.of(), params, Set.of("guest", "host"),
                () -> new ApiReader(services, pollInterval), InputRule.anyOf("input data.data (the table whose ids "
                + "are sent)", InputRule.data("data")), parameters -> {
                    String server = parameters.path("server_name").asText("").strip();
                    String why = server.isEmpty() ? null : services.unavailable(server);
                    return why == null ? null : "parameter server_name " + why;
                });
    }

    @Override
    public void run(ComponentContext ctx) throws Exception {
        Params p = new Params(ctx);
        TableInput in = Inputs.single(ctx, p, "data");
        if (in == null) {
            throw p.refuse("needs an input table under data.data");
        }
        // servers are registered upper-cased (FATE-Flow's keys); messages name them so
        String server = p.str("server_name", "").strip().toUpperCase(Locale.ROOT);
        if (server.isEmpty()) {
            ctx.log("no server_name at " + ctx.role() + " " + ctx.partyId() + ": passing " + in.source()
                    + " through unchanged");
            ctx.writeTable("data", in.schema(), in.delimiter(), out -> ctx.scan(in, out::row));
            return;
        }
        String unavailable = services.unavailable(server);
        if (unavailable != null) {
            throw p.bad("server_name", unavailable);
        }
        String delimiter = p.str("id_delimiter", ",");
        boolean head = head(p);
        boolean extendSid = p.bool("extend_sid", false);
        int timeoutSeconds = p.integer("timeout", DEFAULT_TIMEOUT_SECONDS);
        if (timeoutSeconds < 1) {
            throw p.bad("timeout", "must be at least 1 (seconds), got " + timeoutSeconds);
        }
        JsonNode parameters = p.node("parameters");
        String requestBody = parameters == null ? "{}" : parameters.toString();

        long[] sent = {0};
        String serviceJob = services.upload(server, requestBody, out -> ctx.scan(in, (key, value) -> {
            out.id(key);
            if (++sent[0] % 10_000 == 0) {
                ctx.checkCancelled();
            }
        }));
        ctx.log("sent " + sent[0] + " ids of " + in.source() + " to server " + server + ": its job " + serviceJob);
        awaitSuccess(ctx, server, serviceJob, Duration.ofSeconds(timeoutSeconds));

        long count;
        ObjectNode schema;
        try (DataServiceClient.Lines lines = services.download(server, serviceJob)) {
            Columns columns = Columns.read(lines, head, delimiter, extendSid, server);
            schema = columns.schema(delimiter, extendSid);
            String prefix = UUID.randomUUID().toString().replace("-", "");
            long[] n = {0};
            ctx.writeTable("data", schema, delimiter, out -> {
                for (String line = columns.first(); line != null; line = lines.next()) {
                    if (line.isEmpty()) {
                        continue;
                    }
                    n[0]++;
                    columns.check(line, n[0]);
                    if (extendSid) {
                        out.row(prefix + n[0], line);
                    } else {
                        int cut = line.indexOf(delimiter);
                        out.row(cut < 0 ? line : line.substring(0, cut),
                                cut < 0 ? "" : line.substring(cut + delimiter.length()));
                    }
                }
            });
            count = n[0];
        }
        ctx.logMetricData("api_reader", "upload", List.of(new ComponentContext.MetricPoint("count", count)));
        ctx.setMetricMeta("api_reader", "upload", "API_READER", null);
        ObjectNode summary = Params.JSON.createObjectNode();
        summary.put("server_name", server);
        summary.put("job_id", serviceJob);
        summary.put("sent", sent[0]);
        summary.put("count", count);
        ctx.setSummary(summary);
        ctx.log("wrote " + count + " rows downloaded from server " + server + " (its job " + serviceJob + ")");
    }

    private static boolean head(Params p) {
        JsonNode v = p.node("head");
        if (v == null) {
            return true;
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isIntegralNumber() && (v.asInt() == 0 || v.asInt() == 1)) {
            return v.asInt() == 1;
        }
        throw p.bad("head", "must be true, false, 1 or 0, got " + v);
    }

    /**
     * Polls the query service until it says success: the waits start at a second (or the poll interval, if
     * shorter) and double up to the poll interval, so a quick service is read quickly and a slow one is not
     * polled more than FATE would.
     */
    private void awaitSuccess(ComponentContext ctx, String server, String serviceJob, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Duration wait = FIRST_WAIT.compareTo(pollInterval) < 0 ? FIRST_WAIT : pollInterval;
        while (true) {
            ctx.checkCancelled();
            DataServiceClient.JobState state = services.query(server, serviceJob);
            String status = state.status().toLowerCase(Locale.ROOT);
            if (status.equals("success")) {
                return;
            }
            if (FAILED.contains(status)) {
                throw FlowException.data("the query service of server " + server + " says its job " + serviceJob
                        + " is " + state.status() + (state.message().isEmpty() ? "" : ": " + state.message()));
            }
            if (System.nanoTime() + wait.toNanos() > deadline) {
                throw FlowException.data("the query service of server " + server + " did not say success for its job "
                        + serviceJob + " within the timeout of " + timeout.toSeconds() + " s (last status: "
                        + state.status() + (state.message().isEmpty() ? "" : ", " + state.message()) + ")");
            }
            pause(ctx, wait);
            wait = wait.multipliedBy(2).compareTo(pollInterval) < 0 ? wait.multipliedBy(2) : pollInterval;
        }
    }

    /** Waits in slices of at most a second, so that a stop takes effect within one. */
    private static void pause(ComponentContext ctx, Duration d) throws InterruptedException {
        long end = System.nanoTime() + d.toNanos();
        for (long left = d.toNanos(); left > 0; left = end - System.nanoTime()) {
            Thread.sleep(Math.max(1, Math.min(1000, left / 1_000_000)));
            ctx.checkCancelled();
        }
    }

    /** The downloaded table's columns, from its header line (or counted from its first row without one). */
    private static final class Columns {
        private final List<String> names;
        private final String first;
        private final String server;
        private final String delimiter;

        private Columns(List<String> names, String first, String server, String delimiter) {
            this.names = names;
            this.first = first;
            this.server = server;
            this.delimiter = delimiter;
        }

        static Columns read(DataServiceClient.Lines lines, boolean head, String delimiter, boolean extendSid,
                            String server) {
            String line = lines.next();
            while (line != null && line.isEmpty()) {
                line = lines.next();
            }
            if (line == null) {
                throw FlowException.data("the download service of server " + server + " answered nothing"
                        + (head ? ": a header line (ids first) was expected" : ""));
            }
            List<String> names = new ArrayList<>();
            if (head) {
                for (String c : Inputs.split(line, delimiter)) {
                    names.add(c.strip());
                }
                line = lines.next();
            } else {
                int n = Inputs.split(line, delimiter).length;
                // no header: FATE's upload names nothing; DataTransform needs names, so x0, x1... after the id
                for (int i = 0; i < n; i++) {
                    names.add(i == 0 && !extendSid ? "id" : "x" + (extendSid ? i : i - 1));
                }
            }
            if (names.size() < (extendSid ? 1 : 2)) {
                throw FlowException.data("the download service of server " + server + " answered a header with "
                        + names.size() + " column" + (names.size() == 1 ? "" : "s") + " (" + String.join(delimiter,
                        names) + "): ids and at least one feature, separated by id_delimiter '" + delimiter
                        + "', were expected");
            }
            return new Columns(names, line, server, delimiter);
        }

        String first() {
            return first;
        }

        ObjectNode schema(String delimiter, boolean extendSid) {
            ObjectNode schema = Params.JSON.createObjectNode();
            schema.put("sid", extendSid ? "sid" : names.get(0));
            schema.put("header", String.join(delimiter, extendSid ? names : names.subList(1, names.size())));
            if (extendSid) {
                schema.put("extend_sid", true);
            }
            return schema;
        }

        /** A row with another number of columns than the header would shift every feature after it. */
        void check(String line, long row) {
            int n = Inputs.split(line, delimiter).length;
            if (n != names.size()) {
                throw FlowException.data("the download service of server " + server + " answered row " + row
                        + " with " + n + " columns where its header has " + names.size());
            }
        }
    }
}
