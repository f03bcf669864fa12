package io.fedflow.node.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.api.AnnotationsProto;
import com.google.api.HttpRule;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.server.Route;
import io.fedflow.node.Node;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.TestNode;
import io.fedflow.proto.v1.DataProto;
import io.fedflow.proto.v1.JobProto;
import io.fedflow.proto.v1.ModelArchiveProto;
import io.fedflow.proto.v1.PermissionProto;
import io.fedflow.proto.v1.PipelineProto;
import io.fedflow.proto.v1.RegistryProto;
import io.fedflow.proto.v1.ResourceProto;
import io.fedflow.proto.v1.SiteProto;
import io.fedflow.proto.v1.TableProto;
import io.fedflow.proto.v1.TrackingProto;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The fault-and-abuse suite's hostile bodies: every {@code /v1} route the node serves (read from the
 * server, so a new route is covered without touching this class) gets generated malformed JSON, 10k-deep
 * nesting, wrong-typed fields, huge strings, invalid UTF-8, trailing junk, empty and binary bodies.
 * Every request must get an answer in bounded time, FATE's envelope (never a 5xx, never SQL in retmsg),
 * a non-200 status only on the streaming routes; and the node must still serve normal calls afterwards.
 */
class HostileBodiesTest {
    /** Routes whose refusals are a non-200 status with the envelope (a 200 there means "the body is the file"). */
    static final Set<String> STREAM_ROUTES = Set.of("/v1/data/download", "/v1/data/upload", "/v1/job/log/download",
            "/v1/tracking/component/output/data/download", "/v1/model/get/predict/dsl", "/v1/model/get/predict/conf",
            "/v1/model/export", "/v1/model/import", "/v1/template/download", "/v1/table/download");
    /** Statuses the streaming routes document: 210 no data, 400 bad request, 404 unknown, 409 exists, 413 too large. */
    static final Set<Integer> STREAM_REFUSALS = Set.of(210, 400, 404, 409, 413);
    static final Duration ANSWER_WITHIN = Duration.ofSeconds(30);

    /** One thing to call: an HTTP method, a concrete path, and the request fields its body is read into. */
    record Endpoint(HttpMethod method, String path, List<FieldDescriptor> fields) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    /** A generated body, with whether it must be refused (retcode != 0) whatever the route. */
    record Body(String kind, byte[] bytes, String contentType, boolean mustBeRefused) {
        @Override
        public String toString() {
            String text = new String(bytes, 0, Math.min(bytes.length, 120), StandardCharsets.ISO_8859_1);
            return kind + " (" + bytes.length + " bytes, " + contentType + "): " + text;
        }
    }

    // jqwik runs no JUnit extension: the node is started and stopped around the container by hand.
    static final TestNode site = TestNode.builder("10000").build();
    static Node node;
    static FlowHttp http;
    static List<Endpoint> endpoints;

    @BeforeContainer
    static void start() {
        site.start();
        node = site.node();
        http = site.http();
        endpoints = endpoints(node);
    }

    @AfterContainer
    static void stop() {
        site.stop();
    }

    @Property(tries = 6)
    void malformedJson(@ForAll("malformed") Body body) {
        sendToEveryRoute(body);
    }

    @Property(tries = 2)
    void deeplyNestedJson(@ForAll("deep") Body body) {
        sendToEveryRoute(body);
    }

    @Property(tries = 8)
    void wrongTypedFields(@ForAll("fieldValues") List<JsonNode> values) {
        // each route gets its own fields, with values of any JSON type
        for (Endpoint e : endpoints) {
            var object = FlowHttp.JSON.createObjectNode();
            for (int i = 0; i < e.fields().size() && i < values.size(); i++) {
                object.set(e.fields().get((i * 7 + values.size()) % e.fields().size()).getName(), values.get(i));
            }
            send(e, new Body("wrong-typed fields", object.toString().getBytes(StandardCharsets.UTF_8),
                    "application/json", false));
        }
        assertStillServing();
    }

    @Property(tries = 1)
    void hugeStrings(@ForAll("huge") Body body) {
        sendToEveryRoute(body);
    }

    @Property(tries = 4)
    void invalidUtf8(@ForAll("badUtf8") Body body) {
        sendToEveryRoute(body);
    }

    @Property(tries = 4)
    void trailingJunk(@ForAll("trailing") Body body) {
        sendToEveryRoute(body);
    }

    @Property(tries = 4)
    void emptyAndBinaryBodies(@ForAll("binary") Body body) {
        sendToEveryRoute(body);
    }

    // The generators.

    @Provide
    Arbitrary<Body> malformed() {
        Arbitrary<String> cut = validObjects().flatMap(s -> Arbitraries.integers().between(1, Math.max(1, s.length() - 1))
                .map(n -> s.substring(0, n)));
        Arbitrary<String> soup = Arbitraries.strings().withChars("{}[]\":,.-+eE0123456789 \\ntrufalsn'").ofMinLength(1)
                .ofMaxLength(200).filter(s -> !isJson(s));
        Arbitrary<String> almost = Arbitraries.of("{'a': 1}", "{\"a\": 01}", "{\"a\": NaN}", "{\"a\" 1}", "{a: 1}",
                "{\"a\": \"\\x\"}", "{\"a\": \"\\u12\"}", "{\"a\": [1,]}", "{,}", "\"unterminated", "{\"a\": 1,}");
        return Arbitraries.oneOf(cut, soup, almost)
                .map(s -> new Body("malformed", s.getBytes(StandardCharsets.UTF_8), "application/json", true));
    }

    @Provide
    Arbitrary<Body> deep() {
        return Combinators.combine(Arbitraries.integers().between(1_000, 10_000), Arbitraries.of("[", "{\"a\":"),
                Arbitraries.of(true, false)).as((depth, open, inField) -> {
                    String close = open.equals("[") ? "]" : "}";
                    String nested = open.repeat(depth) + "1" + close.repeat(depth);
                    String json = inField ? "{\"job_runtime_conf\": " + nested + ", \"job_id\": " + nested + "}" : nested;
                    return new Body("nested " + depth, json.getBytes(StandardCharsets.UTF_8), "application/json", true);
                });
    }

    @Provide
    Arbitrary<List<JsonNode>> fieldValues() {
        return jsonValues(3).list().ofMinSize(1).ofMaxSize(8);
    }

    @Provide
    Arbitrary<Body> huge() {
        return Combinators.combine(Arbitraries.integers().between(1 << 19, 1 << 20),
                Arbitraries.of("a", "\u00e9", "\u4e2d", "\\u0000", "\\n")).as((n, unit) -> {
                    String s = unit.repeat(n / unit.length());
                    String json = "{\"namespace\": \"" + s + "\", \"table_name\": \"" + s.substring(0, 10)
                            + "\", \"job_id\": \"" + s + "\", \"party_id\": \"" + s.substring(0, 100) + "\"}";
                    return new Body("huge string", json.getBytes(StandardCharsets.UTF_8), "application/json", false);
                });
    }

    @Provide
    Arbitrary<Body> badUtf8() {
        Arbitrary<byte[]> bad = Arbitraries.of(new byte[] {(byte) 0xff}, new byte[] {(byte) 0xc3},
                new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, new byte[] {(byte) 0xc0, (byte) 0xaf},
                new byte[] {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
                new byte[] {(byte) 0x80}, new byte[] {(byte) 0xe2, (byte) 0x82});
        return Combinators.combine(validObjects(), bad).as((json, b) -> {
            int at = json.indexOf("\":") > 0 ? json.indexOf('"', json.indexOf("\":") + 1) + 1 : 1;
            at = at <= 0 ? 1 : at;
            byte[] ascii = json.getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(ascii, 0, at);
            out.writeBytes(b);
            out.write(ascii, at, ascii.length - at);
            return new Body("invalid UTF-8", out.toByteArray(), "application/json", true);
        });
    }

    @Provide
    Arbitrary<Body> trailing() {
        Arbitrary<String> junk = Arbitraries.oneOf(Arbitraries.of("x", "}", "]", "{}", "null", "1", ",", "\"s\"",
                        "{\"job_id\": \"other\"}"),
                Arbitraries.strings().ofMinLength(1).ofMaxLength(30).filter(s -> !s.isBlank()));
        return Combinators.combine(validObjects(), Arbitraries.of("", " ", "\n"), junk)
                .as((json, gap, j) -> new Body("trailing junk", (json + gap + j).getBytes(StandardCharsets.UTF_8),
                        "application/json", true));
    }

    @Provide
    Arbitrary<Body> binary() {
        Arbitrary<Body> empty = Arbitraries.of(new Body("empty", new byte[0], "application/json", false),
                new Body("empty, no type", new byte[0], null, false));
        Arbitrary<Body> random = Combinators.combine(Arbitraries.bytes().array(byte[].class).ofMinSize(1)
                        .ofMaxSize(65536), Arbitraries.of("application/octet-stream", "application/json",
                        "multipart/form-data; boundary=xyz", "text/plain")).as((bytes, type) -> {
                            // a first byte that is no JSON: such a body is refused whatever follows
                            bytes[0] = (byte) 0xfe;
                            return new Body("binary", bytes, type, true);
                        });
        return Arbitraries.oneOf(empty, random);
    }

    /** Objects of the keys FATE's clients send, with values of any JSON type. */
    static Arbitrary<String> validObjects() {
        Arbitrary<String> key = Arbitraries.of("job_id", "party_id", "role", "namespace", "table_name", "name",
                "component_name", "limit", "local", "conf_path", "job_dsl", "job_runtime_conf", "use_local_data");
        return Arbitraries.maps(key, jsonValues(2)).ofMaxSize(5).map(m -> {
            var o = FlowHttp.JSON.createObjectNode();
            m.forEach(o::set);
            return o.toString();
        });
    }

    /** Any JSON value, up to {@code depth} levels of containers, with strings that tend to hurt. */
    static Arbitrary<JsonNode> jsonValues(int depth) {
        var f = FlowHttp.JSON.getNodeFactory();
        Arbitrary<JsonNode> strings = Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(40),
                Arbitraries.of("", " ", "\u0000", "a\u0000b", "\u0001", "\n", "'; DROP TABLE t_job; --", "..",
                        "../../etc/passwd", "%00", "\uD83D\uDE00", "\uFFFF", "9999", "-1", "1e309", "true", "True",
                        "guest", "host", "arbiter", "local", "x".repeat(300)))
                .map(s -> (JsonNode) f.textNode(s));
        Arbitrary<JsonNode> numbers = Arbitraries.oneOf(Arbitraries.integers().map(i -> (JsonNode) f.numberNode(i)),
                Arbitraries.longs().map(l -> (JsonNode) f.numberNode(l)),
                Arbitraries.doubles().map(d -> (JsonNode) f.numberNode(d)),
                Arbitraries.of("1e308", "-1e308", "123456789012345678901234567890", "0.5", "-0", "9999")
                        .map(s -> (JsonNode) f.numberNode(new BigDecimal(s))));
        Arbitrary<JsonNode> scalars = Arbitraries.oneOf(strings, numbers,
                Arbitraries.of(true, false).map(b -> (JsonNode) f.booleanNode(b)), Arbitraries.just(f.nullNode()));
        if (depth == 0) {
            return scalars;
        }
        Arbitrary<JsonNode> arrays = jsonValues(depth - 1).list().ofMaxSize(4).map(l -> {
            var a = f.arrayNode();
            l.forEach(a::add);
            return a;
        });
        Arbitrary<JsonNode> objects = Arbitraries.maps(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8),
                jsonValues(depth - 1)).ofMaxSize(4).map(m -> {
                    var o = f.objectNode();
                    m.forEach(o::set);
                    return o;
                });
        return Arbitraries.frequencyOf(Tuple.of(4, scalars), Tuple.of(1, arrays),
                Tuple.of(1, objects));
    }

    static boolean isJson(String s) {
        try {
            FlowHttp.JSON.readTree(s);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    // Sending and the properties.

    void sendToEveryRoute(Body body) {
        for (Endpoint e : endpoints) {
            send(e, body);
        }
        assertStillServing();
    }

    static void send(Endpoint e, Body body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(http.base() + e.path())).timeout(ANSWER_WITHIN)
                .method(e.method().name(), HttpRequest.BodyPublishers.ofByteArray(body.bytes()));
        if (body.contentType() != null) {
            b.header("Content-Type", body.contentType());
        }
        HttpResponse<byte[]> r;
        try {
            r = http.client().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException ex) {
            throw new AssertionError(e + " with " + body + ": no answer within " + ANSWER_WITHIN, ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
        String what = e + " with " + body + " -> HTTP " + r.statusCode() + " "
                + new String(r.body(), 0, Math.min(r.body().length, 300), StandardCharsets.UTF_8);
        assertThat(r.statusCode()).as(what).isLessThan(500);
        if (r.statusCode() != 200) {
            assertThat(STREAM_ROUTES).as(what).contains(e.path());
            assertThat(STREAM_REFUSALS).as(what).contains(r.statusCode());
        } else if (STREAM_ROUTES.contains(e.path())
                   && r.headers().firstValue("Content-Disposition").orElse("").startsWith("attachment")) {
            return; // a file: hostile bodies never name one that exists, but a 200 with a file is a valid answer
        }
        JsonNode envelope;
        try {
            envelope = FlowHttp.JSON.readTree(r.body());
        } catch (IOException ex) {
            throw new AssertionError(what + ": not JSON", ex);
        }
        assertThat(envelope.isObject()).as(what).isTrue();
        assertThat(envelope.path("retcode").isInt()).as(what).isTrue();
        assertThat(envelope.path("retmsg").isTextual()).as(what).isTrue();
        String retmsg = envelope.path("retmsg").asText();
        assertThat(retmsg.toLowerCase(Locale.ROOT)).as(what).doesNotContain("select ", "insert into", "delete from",
                "sqlstate");
        assertThat(retmsg).as(what).doesNotContain("ERROR:", "PSQLException"); // PostgreSQL's own words
        if (body.mustBeRefused()) {
            assertThat(envelope.path("retcode").asInt()).as(what).isNotZero();
        }
    }

    static void assertStillServing() {
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/health"))
                .timeout(ANSWER_WITHIN).build());
        assertThat(health.statusCode()).isEqualTo(200);
        JsonNode query = http.post("/v1/job/query", "{\"job_id\": \"no_such_job\"}");
        assertThat(query.path("retcode").asInt()).as(query.toString()).isZero();
    }

    // What the node serves.

    /** Every /v1 route of the client port, path variables filled in, with the fields its body is read into. */
    static List<Endpoint> endpoints(Node node) {
        Map<String, Descriptor> inputs = transcodedInputs();
        List<Endpoint> out = new ArrayList<>();
        for (Route route : node.clientRoutes()) {
            if (route.paths().isEmpty()) {
                continue;
            }
            String path = concrete(route.patternString());
            if (!path.startsWith("/v1/")) {
                continue;
            }
            Descriptor input = inputs.get(path);
            List<FieldDescriptor> fields = input != null ? input.getFields() : allFields(inputs);
            for (HttpMethod m : route.methods()) {
                if (m == HttpMethod.GET || m == HttpMethod.POST) {
                    out.add(new Endpoint(m, path, fields));
                }
            }
        }
        assertThat(out).as("routes found").hasSizeGreaterThan(60);
        assertThat(out.stream().map(Endpoint::path)).containsAll(STREAM_ROUTES);
        return out;
    }

    /** The request message of each transcoded route, from the HTTP rules of the client-facing services. */
    static Map<String, Descriptor> transcodedInputs() {
        Map<String, Descriptor> out = new TreeMap<>();
        for (FileDescriptor file : List.of(DataProto.getDescriptor(), JobProto.getDescriptor(),
                PermissionProto.getDescriptor(), PipelineProto.getDescriptor(), RegistryProto.getDescriptor(),
                ResourceProto.getDescriptor(), SiteProto.getDescriptor(), TableProto.getDescriptor(),
                TrackingProto.getDescriptor(), ModelArchiveProto.getDescriptor())) {
            for (var service : file.getServices()) {
                for (MethodDescriptor method : service.getMethods()) {
                    HttpRule rule = method.getOptions().getExtension(AnnotationsProto.http);
                    List<HttpRule> rules = new ArrayList<>(rule.getAdditionalBindingsList());
                    rules.add(rule);
                    for (HttpRule r : rules) {
                        String path = !r.getPost().isEmpty() ? r.getPost() : r.getGet();
                        if (!path.isEmpty()) {
                            out.put(concrete(path), method.getInputType());
                        }
                    }
                }
            }
        }
        return out;
    }

    static List<FieldDescriptor> allFields(Map<String, Descriptor> inputs) {
        return inputs.values().stream().flatMap(d -> d.getFields().stream())
                .collect(Collectors.toMap(FieldDescriptor::getName, fd -> fd, (a, b) -> a, TreeMap::new))
                .values().stream().toList();
    }

    /** {@code /v1/server/{server_name}/get} or {@code /v1/server/:server_name/get} as a path to call. */
    static String concrete(String pattern) {
        return pattern.replaceAll("\\{[^}]*}", "fuzz").replaceAll(":[A-Za-z_][A-Za-z0-9_]*", "fuzz");
    }
}
