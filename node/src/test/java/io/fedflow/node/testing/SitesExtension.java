package io.fedflow.node.testing;

import io.fedflow.node.Node;
import io.fedflow.node.core.NodeConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * N real sites for a test class, each a node with its own database, peered with every other over the
 * signed site port, then set up as the test declares (uploads, grants):
 * <pre>
 * &#64;RegisterExtension
 * static final SitesExtension sites = SitesExtension.builder("9999", "10000")
 *         .upload("9999", "breast_hetero_guest").upload("10000", "breast_hetero_host")
 *         .grant("10000", "9999", "*", "breast_hetero_host").build();
 * </pre>
 * Static: the sites live for the class; on an instance field: fresh sites for each test.
 */
public final class SitesExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {
    /** How a test shapes one site's config: the party id and the defaults. */
    @FunctionalInterface
    public interface SiteConfigHook {
        void configure(String partyId, NodeConfig.Builder builder) throws Exception;
    }

    private final Map<String, TestNode> sites = new LinkedHashMap<>();
    private final List<Consumer<SitesExtension>> setup;
    private boolean perTest;

    private SitesExtension(Builder b) {
        for (String id : b.partyIds) {
            TestNode.Builder site = TestNode.builder(id).configure(c -> b.hook.configure(id, c));
            if (b.keepSitePorts) {
                site.keepSitePort();
            }
            sites.put(id, site.build());
        }
        this.setup = List.copyOf(b.setup);
    }

    /** The sites, peered, nothing uploaded. */
    public static SitesExtension of(String... partyIds) {
        return builder(partyIds).build();
    }

    /**
     * The two-site setup of the federated job tests: guest 9999 and host 10000 with FATE's breast_hetero
     * halves uploaded, the host granting the guest every component on its half.
     */
    public static Builder breastHetero() {
        return builder("9999", "10000").upload("9999", "breast_hetero_guest").upload("10000", "breast_hetero_host")
                .grant("10000", "9999", "*", "breast_hetero_host");
    }

    public static Builder builder(String... partyIds) {
        return new Builder(partyIds);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        // An instance field is not seen before all: these sites live for one test.
        if (sites.values().stream().noneMatch(TestNode::running)) {
            perTest = true;
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (perTest) {
            stop();
        }
    }

    /** The site of that party. */
    public TestNode site(String partyId) {
        TestNode site = sites.get(partyId);
        if (site == null) {
            throw new IllegalArgumentException("no site " + partyId + " among " + sites.keySet());
        }
        return site;
    }

    public FlowHttp http(String partyId) {
        return site(partyId).http();
    }

    public Node node(String partyId) {
        return site(partyId).node();
    }

    /**
     * Stops every site and starts each again, those in {@code newIds} (old party id to new) under their new
     * party id, then makes each peer directory name the new ids instead of the old. Data, keys and grants stay
     * (grants name the old ids: grant again for the new ones).
     */
    public void restartAs(Map<String, String> newIds) {
        sites.values().forEach(TestNode::stop);
        Map<String, TestNode> renamed = new LinkedHashMap<>();
        sites.forEach((id, site) -> {
            if (newIds.containsKey(id)) {
                site.restartAs(newIds.get(id));
            } else {
                site.start();
            }
            renamed.put(site.partyId(), site);
        });
        sites.clear();
        sites.putAll(renamed);
        for (TestNode site : sites.values()) {
            newIds.keySet().forEach(old -> site.node().peers().remove(old));
        }
        FederatedSites.peer(sites.values().stream().map(TestNode::node).toList());
    }

    private void start() {
        try {
            sites.values().forEach(TestNode::start);
            FederatedSites.peer(sites.values().stream().map(TestNode::node).toList());
            setup.forEach(step -> step.accept(this));
        } catch (RuntimeException | Error e) {
            stop();
            throw e;
        }
    }

    private void stop() {
        RuntimeException first = null;
        for (TestNode site : sites.values()) {
            try {
                site.stop();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    public static final class Builder {
        private final List<String> partyIds;
        private final List<Consumer<SitesExtension>> setup = new ArrayList<>();
        private SiteConfigHook hook = (id, b) -> { };
        private boolean keepSitePorts;

        private Builder(String... partyIds) {
            this.partyIds = List.of(partyIds);
        }

        public Builder configure(SiteConfigHook configHook) {
            this.hook = configHook;
            return this;
        }

        /** Fixed site ports, so that a restarted site is still reached at the address its peers know. */
        public Builder keepSitePorts() {
            this.keepSitePorts = true;
            return this;
        }

        /** After peering: uploads examples/data/{table}.csv at {@code partyId} as experiment.{table}. */
        public Builder upload(String partyId, String... tables) {
            setup.add(s -> {
                for (String t : tables) {
                    s.site(partyId).upload(t);
                }
            });
            return this;
        }

        /** After peering: at {@code holder}, lets {@code party} run {@code components} on the tables. */
        public Builder grant(String holder, String party, String components, String... tables) {
            setup.add(s -> s.site(holder).grant(party, components, tables));
            return this;
        }

        public SitesExtension build() {
            return new SitesExtension(this);
        }
    }
}
