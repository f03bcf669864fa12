package io.fedflow.node.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fedflow.node.component.builtin.Builtins;
import io.fedflow.node.core.FlowException;
import io.fedflow.proto.RetCode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * LR and HeteroLR share FATE's LogisticParam ranges: any value outside them is refused at submit, wherever the
 * conf sets it (common or a role's block), and any value inside them passes.
 */
class LrFamilyParamsPropertiesTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final DslParser PARSER = new DslParser(Builtins.registry());

    /** A parameter and a JSON value for it. */
    record Setting(String name, String json) {}

    record Placement(String module, String role) {}

    static String job(Placement where, Setting s) {
        boolean hetero = where.module().equals("HeteroLR");
        String dsl = """
                {"components": {
                  "reader_0": {"module": "Reader", "output": {"data": ["data"]}},
                  "lr_0": {"module": "%s", "input": {"data": {"train_data": ["reader_0.data"]}},
                           "output": {"data": ["data"], "model": ["model"]}}}}""".formatted(where.module());
        String roles = hetero ? "{\"guest\": [9999], \"host\": [10000], \"arbiter\": [10000]}" : "{\"local\": [0]}";
        String firstRole = hetero ? "guest" : "local";
        String setting = "\"lr_0\": {\"" + s.name() + "\": " + s.json() + "}";
        String tables = hetero
                ? "\"guest\": {\"0\": {\"reader_0\": {\"table\": {\"name\": \"g\", \"namespace\": \"ns\"}}%s}},"
                        + " \"host\": {\"0\": {\"reader_0\": {\"table\": {\"name\": \"h\", \"namespace\": \"ns\"}}%s}},"
                        + " \"arbiter\": {\"0\": {%s}}"
                : "\"local\": {\"0\": {\"reader_0\": {\"table\": {\"name\": \"l\", \"namespace\": \"ns\"}}%s}}";
        String common = where.role() == null ? setting : "";
        Object[] roleBlocks = hetero
                ? new Object[] {roleSetting(where, "guest", setting, true), roleSetting(where, "host", setting, true),
                        roleSetting(where, "arbiter", setting, false)}
                : new Object[] {roleSetting(where, "local", setting, true)};
        String conf = """
                {"dsl_version": 2, "initiator": {"role": "%s", "party_id": %s}, "role": %s,
                 "component_parameters": {"common": {%s}, "role": {%s}}}"""
                .formatted(firstRole, hetero ? "9999" : "0", roles, common, tables.formatted(roleBlocks));
        return "{\"dsl\": " + dsl + ", \"conf\": " + conf + "}";
    }

    private static String roleSetting(Placement where, String role, String setting, boolean afterReader) {
        if (!role.equals(where.role())) {
            return "";
        }
        return afterReader ? ", " + setting : setting;
    }

    static void parse(String job) throws Exception {
        var both = JSON.readTree(job);
        PARSER.parse(both.get("dsl"), both.get("conf"));
    }

    @Property(tries = 300)
    void outOfRangeValuesAreRefusedNamingTheParameter(@ForAll("placements") Placement where,
                                                      @ForAll("outOfRange") Setting bad) {
        assertThatThrownBy(() -> parse(job(where, bad)))
                .isInstanceOf(FlowException.class)
                .satisfies(e -> assertThat(((FlowException) e).retCode()).isEqualTo(RetCode.ARGUMENT_ERROR))
                .message().contains("component lr_0 (" + where.module() + ")", "parameter " + bad.name())
                .contains(where.role() == null ? "component_parameters.common"
                        : "at role " + where.role());
    }

    @Property(tries = 200)
    void inRangeValuesPass(@ForAll("placements") Placement where, @ForAll("inRange") Setting good) throws Exception {
        parse(job(where, good));
    }

    @Provide
    Arbitrary<Placement> placements() {
        return Arbitraries.of(new Placement("LR", null), new Placement("LR", "local"),
                new Placement("HeteroLR", null), new Placement("HeteroLR", "guest"),
                new Placement("HeteroLR", "host"), new Placement("HeteroLR", "arbiter"));
    }

    @Provide
    Arbitrary<Setting> outOfRange() {
        return Arbitraries.oneOf(
                Arbitraries.integers().lessOrEqual(0).map(v -> new Setting("max_iter", v.toString())),
                Arbitraries.integers().between(Integer.MIN_VALUE, 9).filter(v -> v != -1)
                        .map(v -> new Setting("batch_size", v.toString())),
                Arbitraries.doubles().between(-1e9, -1e-9).ofScale(12).map(v -> new Setting("alpha", v.toString())),
                Arbitraries.doubles().between(-1e9, 0).ofScale(12).map(v -> new Setting("learning_rate", v.toString())),
                Arbitraries.doubles().between(-1e9, -1e-9).ofScale(12).map(v -> new Setting("tol", v.toString())),
                // a whole number written as 5.0 is taken as 5, as the tasks read it
                Arbitraries.doubles().between(1.5, 100).ofScale(12).filter(v -> v != Math.rint(v))
                        .map(v -> new Setting("max_iter", v.toString())),
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8)
                        .filter(v -> !v.equalsIgnoreCase("L1") && !v.equalsIgnoreCase("L2")
                                && !v.equalsIgnoreCase("none"))
                        .map(v -> new Setting("penalty", "\"" + v + "\"")),
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8)
                        .map(v -> new Setting("optimizer", "\"x" + v + "\"")),
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8)
                        .map(v -> new Setting("init_param", "{\"init_method\": \"x" + v + "\"}")),
                Arbitraries.oneOf(Arbitraries.doubles().between(-100, -1e-6).ofScale(12),
                                Arbitraries.doubles().between(1 + 1e-6, 100).ofScale(12))
                        .map(v -> new Setting("predict_param", "{\"threshold\": " + v + "}")),
                Arbitraries.of("\"ten\"", "true", "[5]", "{}").map(v -> new Setting("max_iter", v)));
    }

    @Provide
    Arbitrary<Setting> inRange() {
        return Arbitraries.oneOf(
                Arbitraries.integers().between(1, 1_000_000).map(v -> new Setting("max_iter", v.toString())),
                Arbitraries.integers().between(10, Integer.MAX_VALUE)
                        .map(v -> new Setting("batch_size", v.toString())),
                Arbitraries.just(new Setting("batch_size", "-1")),
                Arbitraries.doubles().between(0, 1e9).ofScale(12).map(v -> new Setting("alpha", v.toString())),
                Arbitraries.doubles().between(1e-12, 1e3).ofScale(12).map(v -> new Setting("learning_rate", v.toString())),
                Arbitraries.doubles().between(0, 1).ofScale(12).map(v -> new Setting("tol", v.toString())),
                Arbitraries.of("L1", "l2", "None", "NONE").map(v -> new Setting("penalty", "\"" + v + "\"")),
                Arbitraries.of("sgd", "rmsprop", "Adam", "adagrad", "nesterov_momentum_sgd")
                        .map(v -> new Setting("optimizer", "\"" + v + "\"")),
                Arbitraries.doubles().between(0, 1).ofScale(12).map(v -> new Setting("predict_param", "{\"threshold\": " + v + "}")));
    }
}
