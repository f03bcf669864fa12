package io.fedflow.node.component.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedflow.node.component.ComponentDefinition;
import io.fedflow.node.component.ComponentRegistry;
import io.fedflow.node.component.ParamType;
import org.junit.jupiter.api.Test;

class BuiltinsTest {
    @Test
    void registersTheBuiltinModulesAndTheirAliases() {
        ComponentRegistry r = Builtins.registry();
        assertThat(r.all()).extracting(ComponentDefinition::module)
                .containsExactly("Reader", "DataTransform", "Intersection", "FeatureScale", "HeteroFeatureBinning",
                        "HeteroFeatureSelection", "LR", "HeteroLR", "Evaluation");
        assertThat(r.find("intersection")).contains(Intersection.DEFINITION);
        assertThat(Intersection.DEFINITION.roles()).containsExactlyInAnyOrder("guest", "host");
        assertThat(r.find("DataIO")).contains(DataTransform.DEFINITION);
        assertThat(r.find("dataio")).contains(DataTransform.DEFINITION);
        assertThat(r.find("LocalLR")).contains(LR.DEFINITION);
        assertThat(r.find("LogisticRegression")).contains(LR.DEFINITION);
        assertThat(r.find("reader")).contains(Reader.DEFINITION);
        for (ComponentDefinition d : r.all()) {
            assertThat(d.factory().get()).isNotNull();
            assertThat(d.params()).isNotEmpty();
        }
        assertThat(Reader.DEFINITION.params().get("table").type()).isEqualTo(ParamType.OBJECT);
        assertThat(LR.DEFINITION.roles()).containsExactlyInAnyOrder("local", "guest");
        assertThat(HeteroLR.DEFINITION.roles()).containsExactlyInAnyOrder("guest", "host", "arbiter");
        // the same parameters; HeteroLR also checks the Paillier key_length of encrypt_param
        assertThat(HeteroLR.DEFINITION.params().keySet()).isEqualTo(LR.DEFINITION.params().keySet());
        assertThat(DataTransform.DEFINITION.params()).containsKeys("delimitor", "with_label", "missing_fill_method");
    }
}
