package io.fedflow.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.Node;
import io.fedflow.node.core.NodeConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/fedflow-demo}: three sites on loopback, each a full node with its own embedded PostgreSQL,
 * federated and driven only through their public {@code /v1} API, run a two-party Reader → DataTransform
 * job; then a job naming a party that granted nothing is refused.
 */
@Command(name = "fedflow-demo", mixinStandardHelpOptions = true,
         description = "Starts guest 9999, host 10000 and party 10001 on 127.0.0.1, federates them over their "
                 + "HTTP API and runs a two-party job; then shows a job refused for want of a grant.")
public final class FederationDemo implements Callable<Integer> {
    static final String HOST = "127.0.0.1";
    static final Set<String> END = Set.of("success", "failed", "canceled", "timeout");
    static final Duration JOB_TIMEOUT = Duration.ofSeconds(120);

    /** One demo site: its role in the job and its fixed ports (FATE's defaults, then one up per site). */
    record Site(String name, String partyId, int httpPort, int sitePort) {}

    static final List<Site> SITES = List.of(
            new Site("guest", "9999", 9380, 9360),
            new Site("host", "10000", 9381, 9361),
            new Site("ungranted", "10001", 9382, 9362));

    @Option(names = "--keep", description = "Leave the three nodes running after the demo (Ctrl-C to stop).")
    boolean keep;

    @Option(names = "--data-dir", defaultValue = "fedflow-data/demo",
            description = "One directory per party below this one (default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--examples", defaultValue = "${env:FEDFLOW_EXAMPLES:-examples/data}",
            description = "Where breast_hetero_guest.csv and breast_hetero_host.csv are (default ${DEFAULT-VALUE}; "
                    + "bin/fedflow-demo points it at the checkout's examples/data).")
    Path examples;

    @Option(names = "--pipeline", description = "Then run FATE's breast pipeline across the two sites (Intersection, "
            + "HeteroFeatureBinning, HeteroFeatureSelection, HeteroLR with Paillier, Evaluation; "
            + "examples/breast_pipeline_*.json) and print its AUC and loss curve.")
    boolean pipeline;

    private final PrintStream out = System.out;
    private long t0;

    static final String DSL = """
            {"components": {
              "reader_0": {"module": "Reader", "output": {"data": ["data"]}},
              "data_transform_0": {"module": "DataTransform", "input": {"data": {"data": ["reader_0.data"]}},
                                   "output": {"data": ["data"], "model": ["model"]}}}}""";

    static String conf(String hostParty) {
        return """
                {"dsl_version": 2, "initiator": {"role": "guest", "party_id": 9999},
                 "role": {"guest": [9999], "host": [%s]},
                 "job_parameters": {"common": {"task_cores": 1}},
                 "component_parameters": {"role": {
                   "guest": {"0": {"reader_0": {"table": {"name": "breast_hetero_guest", "namespace": "experiment"}},
                                   "data_transform_0": {"with_label": true, "label_name": "y"}}},
                   "host": {"0": {"reader_0": {"table": {"name": "breast_hetero_host", "namespace": "experiment"}},
                                  "data_transform_0": {"with_label": false}}}}}}""".formatted(hostParty);
    }

    @Override
    public Integer call() throws Exception {
        t0 = System.nanoTime();
        for (String csv : List.of("breast_hetero_guest.csv", "breast_hetero_host.csv")) {
            if (!Files.isRegularFile(examples.resolve(csv))) {
                System.err.println("fedflow-demo: no " + examples.resolve(csv) + " (run from the repository root, "
                        + "or pass --examples)");
                return 2;
            }
        }
        String busy = busyPorts();
        if (busy != null) {
            System.err.println("fedflow-demo: " + busy + "; stop what listens there (another fedflow node or "
                    + "demo?) and run again");
            return 2;
        }
        List<Node> nodes = new ArrayList<>();
        try {
            Map<Site, FlowApiClient> api = new LinkedHashMap<>();
            for (Site s : SITES) {
                long t = System.nanoTime();
                try {
                    nodes.add(Node.start(NodeConfig.builder(s.partyId(), dataDir.resolve(s.partyId())).host(HOST)
                            .httpPort(s.httpPort()).sitePort(s.sitePort()).build()));
                } catch (RuntimeException e) {
                    // taken between the check and the start (another process): say which ports, not a trace
                    System.err.printf("fedflow-demo: party %s could not start on http port %d / site port %d: %s%n",
                            s.partyId(), s.httpPort(), s.sitePort(), rootMessage(e));
                    return 2;
                }
                api.put(s, new FlowApiClient(HOST, s.httpPort()));
                say("party %s (%s) up in %d ms: http %d, site %d, data %s", s.partyId(), s.name(),
                        (System.nanoTime() - t) / 1_000_000, s.httpPort(), s.sitePort(), dataDir.resolve(s.partyId()));
            }
            boolean ok = run(api);
            say(ok ? "demo succeeded" : "demo FAILED (node logs: %s)", dataDir.resolve("demo.log"));
            if (keep) {
                say("the nodes keep running (http 9380, 9381, 9382); Ctrl-C to stop");
                awaitCtrlC(nodes);
                nodes.clear();
            }
            long t = System.nanoTime();
            closeAll(nodes);
            say("nodes stopped in %d ms", (System.nanoTime() - t) / 1_000_000);
            nodes.clear();
            return ok ? 0 : 1;
        } finally {
            closeAll(nodes); // a failed step or start: stop whatever did start
        }
    }

    /** The demo proper, through the sites' HTTP API only; true when everything came out as it should. */
    private boolean run(Map<Site, FlowApiClient> api) throws InterruptedException {
        Site guest = SITES.get(0);
        Site host = SITES.get(1);
        Site ungranted = SITES.get(2);

        // An operator at each site reads its key and hands it, with the site port, to the others.
        Map<Site, JsonNode> keys = new LinkedHashMap<>();
        api.forEach((s, c) -> keys.put(s, check(c.post("/v1/site/key", "{}"), "site key of " + s.partyId())));
        for (Site a : SITES) {
            for (Site b : SITES) {
                if (a != b) {
                    check(api.get(a).post("/v1/site/peer/add", Map.of("party_id", b.partyId(), "host", HOST,
                            "port", b.sitePort(), "public_key", keys.get(b).at("/data/public_key").asText())),
                            "peer " + b.partyId() + " at " + a.partyId());
                }
            }
        }
        say("keys exchanged, each site has the other two as peers (public key %s… for 9999)",
                keys.get(guest).at("/data/public_key_base64").asText().substring(0, 12));
        check(api.get(host).post("/v1/permission/grant", "{\"party_id\": \"9999\", \"component\": "
                + "\"reader,datatransform\", \"dataset\": [{\"namespace\": \"experiment\", "
                + "\"name\": \"breast_hetero_host\"}]}"), "grant at the host");
        say("host 10000 granted 9999 reader,datatransform on experiment.breast_hetero_host; 10001 granted nothing");

        upload(api.get(guest), guest, "breast_hetero_guest");
        upload(api.get(host), host, "breast_hetero_host");
        upload(api.get(ungranted), ungranted, "breast_hetero_host");

        JsonNode submitted = check(api.get(guest).post("/v1/job/submit",
                "{\"job_dsl\": " + DSL + ", \"job_runtime_conf\": " + conf(host.partyId()) + "}"), "submit");
        String jobId = submitted.get("jobId").asText();
        say("job %s submitted at guest 9999 (model %s)", jobId, submitted.at("/data/model_info/model_id").asText());

        String guestStatus = follow(jobId, api.get(guest), api.get(host));

        say("final status of job %s at every site (/v1/job/query):", jobId);
        boolean ok = "success".equals(guestStatus);
        for (Site s : SITES) {
            JsonNode rows = api.get(s).post("/v1/job/query", Map.of("job_id", jobId)).get("data");
            if (rows == null || rows.isEmpty()) {
                say("  %-9s %-5s  no such job (not a party of it)", s.name(), s.partyId());
                ok &= s == ungranted;
            } else {
                JsonNode r = rows.get(0);
                say("  %-9s %-5s  %-8s role %s, initiator %s", s.name(), s.partyId(), r.get("f_status").asText(),
                        r.get("f_role").asText(), r.get("f_initiator_party_id").asText());
                ok &= "success".equals(r.get("f_status").asText()) && s != ungranted;
            }
        }
        for (Site s : List.of(guest, host)) {
            ok &= printOutput(api.get(s), s, jobId);
        }

        // The same job naming 10001 as host: 10001 checks its (empty) grants when asked to create it.
        JsonNode refused = api.get(guest).post("/v1/job/submit",
                "{\"job_dsl\": " + DSL + ", \"job_runtime_conf\": " + conf(ungranted.partyId()) + "}");
        say("the same job with 10001 as host: retcode %d, %s", refused.get("retcode").asInt(),
                refused.get("retmsg").asText());
        ok &= refused.get("retcode").asInt() == 108;
        if (pipeline) {
            ok &= runPipeline(api.get(guest), api.get(host));
        }
        return ok;
    }

    /** The breast pipeline from examples/, across guest 9999 and host + arbiter 10000. */
    private boolean runPipeline(FlowApiClient guest, FlowApiClient host) throws InterruptedException {
        Path dir = examples.toAbsolutePath().getParent();
        String dsl;
        String conf;
        try {
            dsl = Files.readString(dir.resolve("breast_pipeline_dsl.json"));
            conf = Files.readString(dir.resolve("breast_pipeline_conf.json"));
        } catch (IOException e) {
            say("no pipeline files in %s: %s", dir, e.getMessage());
            return false;
        }
        check(host.post("/v1/permission/grant", "{\"party_id\": \"9999\", \"component\": \"*\"}"),
                "grant of every component at the host");
        say("host 10000 granted 9999 every component; the breast pipeline (%s):", dir.resolve("breast_pipeline_dsl.json"));
        JsonNode submitted = check(guest.post("/v1/job/submit", "{\"job_dsl\": " + dsl + ", \"job_runtime_conf\": "
                + conf + "}"), "pipeline submit");
        String jobId = submitted.get("jobId").asText();
        say("job %s submitted at guest 9999 (model %s)", jobId, submitted.at("/data/model_info/model_id").asText());
        String status = follow(jobId, guest, host);
        Map<String, String> at = Map.of("job_id", jobId, "role", "guest", "party_id", "9999");
        JsonNode summary = guest.post("/v1/tracking/component/summary/download", with(at, "evaluation_0"));
        JsonNode intersection = guest.post("/v1/tracking/component/metric/all", with(at, "intersection_0"));
        JsonNode loss = host.post("/v1/tracking/component/metric/all", Map.of("job_id", jobId, "role", "arbiter",
                "party_id", "10000", "component_name", "hetero_lr_0")).at("/data/train/loss/data");
        double auc = summary.findPath("auc").asDouble(Double.NaN);
        say("pipeline %s: intersection %s ids, AUC %.4f at evaluation_0, loss %s", status,
                intersection.at("/data/train/intersection/data/0/1").asText("?"), auc,
                loss.isArray() && loss.size() > 1 ? String.format("%.3f -> %.3f over %d iterations",
                        loss.get(0).get(1).asDouble(), loss.get(loss.size() - 1).get(1).asDouble(), loss.size())
                        : "?");
        return "success".equals(status) && auc >= 0.98;
    }

    private static Map<String, String> with(Map<String, String> at, String component) {
        Map<String, String> m = new LinkedHashMap<>(at);
        m.put("component_name", component);
        return m;
    }

    private void upload(FlowApiClient api, Site s, String table) {
        long t = System.nanoTime();
        JsonNode r = check(api.upload(examples.resolve(table + ".csv"), "{\"file\": \"" + table + ".csv\", "
                + "\"id_delimiter\": \",\", \"head\": 1, \"partition\": 4, \"namespace\": \"experiment\", "
                + "\"table_name\": \"" + table + "\", \"drop\": 1}"), "upload at " + s.partyId());
        long ms = (System.nanoTime() - t) / 1_000_000;
        JsonNode info = api.post("/v1/table/table_info", Map.of("namespace", "experiment", "table_name", table));
        say("uploaded %s.csv at %s %s in %d ms (upload job %s): table experiment.%s, %s rows", table, s.name(),
                s.partyId(), ms, r.path("jobId").asText(), table, info.at("/data/count").asText("?"));
    }

    /** Polls both sites until the job ends at the guest, printing a line whenever a status changes. */
    private String follow(String jobId, FlowApiClient guest, FlowApiClient host) throws InterruptedException {
        long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
        String last = "";
        String guestStatus = "";
        while (System.nanoTime() < deadline) {
            guestStatus = status(guest, jobId);
            String line = "guest " + guestStatus + ", host " + status(host, jobId) + " | tasks "
                    + tasks(guest, jobId, "guest") + "; " + tasks(host, jobId, "host");
            if (!line.equals(last)) {
                say("  %s", line);
                last = line;
            }
            if (END.contains(guestStatus)) {
                // the host reports its last status to the initiator; give it a moment to settle at the host
                for (int i = 0; i < 50 && !END.contains(status(host, jobId)); i++) {
                    Thread.sleep(100);
                }
                return guestStatus;
            }
            Thread.sleep(200);
        }
        say("job %s did not end in %d s", jobId, JOB_TIMEOUT.toSeconds());
        return guestStatus;
    }

    private static String status(FlowApiClient api, String jobId) {
        JsonNode rows = api.post("/v1/job/query", Map.of("job_id", jobId)).get("data");
        return rows == null || rows.isEmpty() ? "-" : rows.get(0).get("f_status").asText();
    }

    /** The tasks this site runs itself, as {@code component=status}. */
    private static String tasks(FlowApiClient api, String jobId, String role) {
        JsonNode rows = api.post("/v1/job/task/query", Map.of("job_id", jobId, "role", role)).get("data");
        List<String> parts = new ArrayList<>();
        if (rows != null) {
            rows.forEach(t -> parts.add(t.get("f_component_name").asText() + "=" + t.get("f_status").asText()));
        }
        parts.sort(null);
        return role + " " + String.join(" ", parts);
    }

    /** Prints the DataTransform output table of the job at {@code s} and its row count. */
    private boolean printOutput(FlowApiClient api, Site s, String jobId) {
        JsonNode out = api.post("/v1/tracking/component/output/data/table", Map.of("job_id", jobId,
                "role", s.name(), "party_id", s.partyId(), "component_name", "data_transform_0"));
        String ns = out.at("/data/0/table_namespace").asText();
        String name = out.at("/data/0/table_name").asText();
        if (out.get("retcode").asInt() != 0 || name.isEmpty()) {
            say("  no output table at %s: %s", s.partyId(), out);
            return false;
        }
        JsonNode info = api.post("/v1/table/table_info", Map.of("namespace", ns, "table_name", name));
        int count = info.at("/data/count").asInt(-1);
        say("  data_transform_0 output at %-5s %s.%s: %d rows", s.partyId(), ns, name, count);
        return count == 569;
    }

    /** The envelope when retcode is 0; otherwise the demo cannot go on. */
    private static JsonNode check(JsonNode envelope, String what) {
        if (envelope.path("retcode").asInt(-1) != 0) {
            throw new DemoFailure(what + " failed: " + envelope);
        }
        return envelope;
    }

    /** The first of the demo's ports something already listens on, said so an operator knows which. */
    static String busyPorts() {
        for (Site s : SITES) {
            for (int port : new int[] {s.httpPort(), s.sitePort()}) {
                try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getByName(HOST))) {
                    // bound and released at once: only a listener already there makes this fail
                } catch (IOException e) {
                    return "port " + port + " (" + (port == s.httpPort() ? "http" : "site") + " port of party "
                            + s.partyId() + ") is in use";
                }
            }
        }
        return null;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.toString();
    }

    private void say(String format, Object... args) {
        out.printf("[%6.1fs] %s%n", (System.nanoTime() - t0) / 1e9, String.format(format, args));
    }

    private static void awaitCtrlC(List<Node> nodes) throws InterruptedException {
        List<Node> running = List.copyOf(nodes);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            closeAll(running);
            stopped.countDown();
        }, "fedflow-demo-shutdown"));
        stopped.await();
    }

    /** Stops the nodes side by side: each stop waits on its own servers and PostgreSQL, not on the others'. */
    private static void closeAll(List<Node> nodes) {
        List<Thread> stopping = new ArrayList<>();
        for (Node n : nodes) {
            Thread t = new Thread(() -> {
                try {
                    n.close();
                } catch (Exception e) {
                    System.err.println("fedflow-demo: closing party " + n.config().partyId() + ": " + e);
                }
            }, "stop-" + n.config().partyId());
            t.start();
            stopping.add(t);
        }
        for (Thread t : stopping) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** A step of the demo the sites refused: the demo stops there and says which. */
    static final class DemoFailure extends RuntimeException {
        DemoFailure(String message) {
            super(message);
        }
    }

    public static void main(String[] args) {
        // Nodes log a lot; the demo's own lines go to stdout and the nodes' to a file beside their data.
        Path dir = dataDirOf(args);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            System.err.println("fedflow-demo: cannot create " + dir + ": " + e.getMessage());
            System.exit(2);
        }
        System.setProperty("fedflow.demo.log", dir.resolve("demo.log").toString());
        System.setProperty("logback.configurationFile", "fedflow-demo-logback.xml");
        CommandLine cmd = new CommandLine(new FederationDemo());
        cmd.setExecutionExceptionHandler((e, c, parsed) -> {
            System.err.println("fedflow-demo: " + (e instanceof DemoFailure ? "" : e.getClass().getSimpleName()
                    + ": ") + e.getMessage() + " (node logs: " + dir.resolve("demo.log") + ")");
            return 1;
        });
        System.exit(cmd.execute(args));
    }

    /** --data-dir read before picocli, since the log file must be set before any logger exists. */
    private static Path dataDirOf(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--data-dir") && i + 1 < args.length) {
                return Path.of(args[i + 1]);
            }
            if (args[i].startsWith("--data-dir=")) {
                return Path.of(args[i].substring("--data-dir=".length()));
            }
        }
        return Path.of("fedflow-data", "demo");
    }
}
