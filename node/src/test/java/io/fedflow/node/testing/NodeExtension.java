package io.fedflow.node.testing;

import io.fedflow.node.Node;
import io.fedflow.node.core.NodeConfig;
import io.grpc.ManagedChannel;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real node for a test class: {@code @RegisterExtension static final NodeExtension node =
 * NodeExtension.builder().configure(b -> b.limits(...)).build();} starts it before the class's first test
 * and closes it after the last. Registered on an instance field instead, it starts a fresh node for each test.
 */
public final class NodeExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {
    private final TestNode site;
    private boolean perTest;

    private NodeExtension(TestNode site) {
        this.site = site;
    }

    /** Party 9999, the defaults. */
    public static NodeExtension of() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        site.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        site.stop();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        // An instance field is not seen before all: this node lives for one test.
        if (!site.running()) {
            perTest = true;
            site.start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (perTest) {
            site.stop();
        }
    }

    /** The node under test as a handle: stop, restart, upload, grant, job status. */
    public TestNode site() {
        return site;
    }

    public Node node() {
        return site.node();
    }

    public NodeConfig config() {
        return site.config();
    }

    public Path dataDir() {
        return site.dataDir();
    }

    public FlowHttp http() {
        return site.http();
    }

    /** A plaintext gRPC channel to the client port, closed with the node. */
    public ManagedChannel channel() {
        return site.channel();
    }

    public int httpPort() {
        return site.node().httpPort();
    }

    public int sitePort() {
        return site.node().sitePort();
    }

    /** The options of {@link TestNode.Builder}, ending in an extension rather than a bare node. */
    public static final class Builder {
        private final TestNode.Builder site = TestNode.builder("9999");

        public Builder partyId(String id) {
            site.partyId(id);
            return this;
        }

        public Builder configure(TestNode.ConfigHook configHook) {
            site.configure(configHook);
            return this;
        }

        public Builder keepSitePort() {
            site.keepSitePort();
            return this;
        }

        /** The node's own embedded PostgreSQL in its data directory (slower to start: for what needs it). */
        public Builder ownEmbeddedDatabase() {
            site.ownEmbeddedDatabase();
            return this;
        }

        public NodeExtension build() {
            return new NodeExtension(site.build());
        }
    }
}
