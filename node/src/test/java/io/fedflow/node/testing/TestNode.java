package io.fedflow.node.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.Node;
import io.fedflow.node.core.NodeConfig;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One node under test and what tests ask of it: its HTTP client, a gRPC channel to its client port, the
 * FATE calls every test repeats (upload, grant, job status). Its config is made once (a fresh data
 * directory, a fresh database in the JVM's shared PostgreSQL unless {@link Builder#ownEmbeddedDatabase()},
 * then the test's hook), so {@link #restart()} brings back the same site: same data directory, database,
 * keys, peers and, with {@link Builder#keepSitePort()}, site port. Restart and kill tests use it directly;
 * the rest get it from {@link NodeExtension} or {@link SitesExtension}.
 */
public final class TestNode {
    /** How a test shapes the config: receives the defaults, may change any of them. */
    @FunctionalInterface
    public interface ConfigHook {
        void configure(NodeConfig.Builder builder) throws Exception;
    }

    private String partyId;
    private final ConfigHook hook;
    private final boolean keepSitePort;
    private final boolean ownDatabase;
    private NodeConfig config;
    private Node node;
    private FlowHttp http;
    private ManagedChannel channel;

    private TestNode(Builder b) {
        this.partyId = b.partyId;
        this.hook = b.hook;
        this.keepSitePort = b.keepSitePort;
        this.ownDatabase = b.ownDatabase;
    }

    public static Builder builder(String partyId) {
        return new Builder(partyId);
    }

    /** Starts the node; the first start makes its config. */
    public TestNode start() {
        if (node != null) {
            throw new IllegalStateException("node " + partyId + " is already running");
        }
        if (config == null) {
            config = makeConfig();
        }
        node = TestNodes.start(config);
        http = new FlowHttp(node.httpPort());
        return this;
    }

    /** Closes the node (and its channel); a later {@link #start()} brings it back with the same config. */
    public void stop() {
        if (channel != null) {
            try {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            channel = null;
        }
        if (node != null) {
            try {
                node.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                node = null;
                http = null;
            }
        }
    }

    /** Stops and starts again over the same data directory and database, as a restarted site does. */
    public TestNode restart() {
        stop();
        return start();
    }

    /**
     * Stops and starts again as party {@code newPartyId} over the same data directory, database, keys and
     * peers: a site whose party id changed (FATE's case for migrating a model). Its peers must be told.
     */
    public TestNode restartAs(String newPartyId) {
        stop();
        config = config().toBuilder().partyId(newPartyId).build();
        partyId = newPartyId;
        return start();
    }

    public boolean running() {
        return node != null;
    }

    public String partyId() {
        return partyId;
    }

    public Node node() {
        return running(node);
    }

    public NodeConfig config() {
        if (config == null) {
            config = makeConfig();
        }
        return config;
    }

    public Path dataDir() {
        return config().dataDir();
    }

    /** A real HTTP client of the node's client port (a new one after each restart: the port changes). */
    public FlowHttp http() {
        return running(http);
    }

    /** A plaintext gRPC channel to the client port, made on first use and closed with the node. */
    public ManagedChannel channel() {
        if (channel == null) {
            channel = NettyChannelBuilder.forAddress("127.0.0.1", node().httpPort()).usePlaintext().build();
        }
        return channel;
    }

    /** Uploads examples/data/{name}.csv as experiment.{name}. */
    public TestNode upload(String table) {
        try {
            FederatedSites.upload(http(), table);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Lets {@code party} run {@code components} ("*" or a comma list) on the experiment tables named. */
    public TestNode grant(String party, String components, String... tables) {
        FederatedSites.grant(http(), party, components, tables);
        return this;
    }

    /** POST /v1/job/submit with the DSL and runtime conf given as JSON text; the answer. */
    public JsonNode submit(String dsl, String conf) {
        return Jobs.submit(http(), dsl, conf);
    }

    /** The job's first row here, or null. */
    public JsonNode job(String jobId) {
        return FederatedSites.job(http(), jobId);
    }

    public String status(String jobId) {
        return FederatedSites.status(http(), jobId);
    }

    public String awaitStatus(String jobId, Duration atMost, Set<String> statuses) {
        return FederatedSites.awaitStatus(http(), jobId, atMost, statuses);
    }

    public JsonNode tasks(String jobId, Map<String, String> filters) {
        return FederatedSites.tasks(http(), jobId, filters);
    }

    public void awaitTask(String jobId, String component, String role, String status) {
        FederatedSites.awaitTask(http(), jobId, component, role, status);
    }

    private <T> T running(T value) {
        if (node == null) {
            throw new IllegalStateException("node " + partyId + " is not running");
        }
        return value;
    }

    private NodeConfig makeConfig() {
        try {
            Path dir = Files.createTempDirectory("fedflow-node-" + partyId + "-");
            NodeConfig.Builder b = NodeConfig.builder(partyId, dir);
            if (!ownDatabase) {
                b.dbUrl(TestNodes.newDatabase()).dbUser("postgres");
            }
            if (keepSitePort) {
                b.sitePort(freePort());
            }
            hook.configure(b);
            return b.build();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("config of node " + partyId + ": " + e.getMessage(), e);
        }
    }

    /** A loopback port free now, for a node that must keep its address across restarts. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static final class Builder {
        private String partyId;
        private ConfigHook hook = b -> { };
        private boolean keepSitePort;
        private boolean ownDatabase;

        private Builder(String partyId) {
            this.partyId = partyId;
        }

        public Builder partyId(String id) {
            this.partyId = id;
            return this;
        }

        public Builder configure(ConfigHook configHook) {
            this.hook = configHook;
            return this;
        }

        /** A fixed site port, so that peers still reach the node after a restart. */
        public Builder keepSitePort() {
            this.keepSitePort = true;
            return this;
        }

        /** The node's own embedded PostgreSQL in its data directory, as a deployed node has, not the shared one. */
        public Builder ownEmbeddedDatabase() {
            this.ownDatabase = true;
            return this;
        }

        public TestNode build() {
            return new TestNode(this);
        }
    }
}
