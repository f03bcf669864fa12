package io.fedflow.node.provider;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.component.ComponentDefinition;
import io.fedflow.node.component.ComponentRegistry;
import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.proto.RetCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

/**
 * What this node runs, as FATE-Flow describes its own: the versions of its modules, one component provider
 * (FATE's algorithms, built into the node, so under FATE's provider name "fate" and the FATE release whose API
 * and algorithms it follows) and its components with the parameters each accepts.
 */
public final class Providers {
    /** The FATE release whose API and algorithms the node follows. */
    public static final String FATE_VERSION = "1.11.2";
    /** FATE-Flow's API version, the path prefix. */
    public static final String API_VERSION = "v1";
    /** The provider every DSL names by default (FATE's pipeline also writes "fate_flow" for Reader). */
    public static final String PROVIDER = "fate";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ComponentRegistry registry;
    private final Map<String, String> versions;

    public Providers(ComponentRegistry registry) {
        this.registry = registry;
        Map<String, String> v = new LinkedHashMap<>();
        v.put("FATE", FATE_VERSION);
        v.put("FATEFlow", FATE_VERSION);
        v.put("Fedflow", fedflowVersion());
        v.put("JDK", System.getProperty("java.version"));
        this.versions = Map.copyOf(v);
    }

    /** FATE's version/get: one module's version (FATE when none is named) and the API version. */
    public ObjectNode version(String module) {
        String name = module == null || module.isEmpty() ? "FATE" : module;
        String version = versions.get(name);
        if (version == null) {
            throw new FlowException(RetCode.ARGUMENT_ERROR, FailureKind.NOT_FOUND, "invalid module '" + name
                    + "', please input module parameter in this scope: " + String.join(" && ", moduleNames()), null);
        }
        return NODES.objectNode().put(name, version).put("API", API_VERSION);
    }

    /** FATE's server/version/get: every module's version, or the one named (null when unknown), and the API's. */
    public ObjectNode serverVersions(String module) {
        ObjectNode out = NODES.objectNode();
        if (module == null || module.isEmpty()) {
            moduleNames().forEach(m -> out.put(m, versions.get(m)));
        } else {
            out.put(module, versions.get(module));
        }
        return out.put("API", API_VERSION);
    }

    /** FATE's provider/get: each provider's versions, with the names of their components. */
    public ObjectNode providers() {
        ObjectNode detail = providerDetail(false);
        ObjectNode out = NODES.objectNode();
        out.set(PROVIDER, detail);
        return out;
    }

    /** FATE's provider/&lt;name&gt;/get: one provider's versions, with its components in full. */
    public ObjectNode provider(String name) {
        if (!PROVIDER.equals(name)) {
            throw new FlowException(RetCode.EXCEPTION_ERROR, FailureKind.NOT_FOUND, "no provider '" + name
                    + "' here: this node's components are built in, as provider '" + PROVIDER + "' "
                    + FATE_VERSION, null);
        }
        return providerDetail(true);
    }

    /** FATE's provider/registry/get: providers, components and the default provider. */
    public ObjectNode registry() {
        ObjectNode out = NODES.objectNode();
        out.set("providers", providers());
        out.set("components", components());
        out.putObject("default_settings").put("fate_flow_provider", PROVIDER).put("default_fate_provider",
                PROVIDER);
        return out;
    }

    /** Refuses provider/register (and update) after FATE's field checks: components are built into the node. */
    public void register(String name, String version, String path) {
        require("name", name);
        require("version", version);
        require("path", path);
        throw new FlowException(RetCode.OPERATING_ERROR, FailureKind.REFUSED, "register failed: provider '" + name
                + "' " + version + " cannot be loaded; Fedflow's components are built into the node (provider '"
                + PROVIDER + "' " + FATE_VERSION + ")", null);
    }

    /** FATE's component/get: each component by its lower-case name. */
    public ObjectNode components() {
        ObjectNode out = NODES.objectNode();
        for (ComponentDefinition d : registry.all()) {
            out.set(d.module().toLowerCase(Locale.ROOT), component(d));
        }
        return out;
    }

    /** FATE's component/&lt;name&gt;/get; the name matches any of a module's names, in any case. */
    public ObjectNode component(String name) {
        return component(registry.find(name).orElseThrow(() -> new FlowException(RetCode.EXCEPTION_ERROR,
                FailureKind.NOT_FOUND, "no component '" + name + "' here; components: "
                + String.join(", ", components().properties().stream().map(Map.Entry::getKey).toList()), null)));
    }

    private ObjectNode providerDetail(boolean full) {
        ObjectNode detail = NODES.objectNode();
        detail.putObject("default").put("version", FATE_VERSION);
        ObjectNode v = detail.putObject(FATE_VERSION);
        v.put("name", PROVIDER).put("version", FATE_VERSION)
                .put("path", "built into Fedflow " + versions.get("Fedflow"));
        if (full) {
            v.set("components", components());
        } else {
            var names = v.putArray("components");
            registry.all().forEach(d -> names.add(d.module().toLowerCase(Locale.ROOT)));
        }
        return detail;
    }

    private static ObjectNode component(ComponentDefinition d) {
        ObjectNode c = NODES.objectNode();
        c.put("module", d.module());
        c.set("alias", NODES.arrayNode().addAll(d.aliases().stream().map(NODES::textNode).toList()));
        c.put("default_provider", PROVIDER);
        c.set("support_provider", NODES.arrayNode().add(PROVIDER));
        c.set("roles", NODES.arrayNode().addAll(new TreeSet<>(d.roles()).stream().map(NODES::textNode).toList()));
        ObjectNode params = c.putObject("parameters");
        new TreeSet<>(d.params().keySet()).forEach(p -> params.put(p, d.params().get(p).requirement()));
        return c;
    }

    private static List<String> moduleNames() {
        return List.of("FATE", "FATEFlow", "Fedflow", "JDK");
    }

    private static void require(String field, String value) {
        if (value == null || value.isBlank()) {
            throw FlowException.argument("required argument are missing: " + field);
        }
    }

    private static String fedflowVersion() {
        try (InputStream in = Providers.class.getResourceAsStream("/fedflow-version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
