package io.fedflow.node.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.core.FlowException;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

/** The archive format alone: what is written is read back as it was, and a single changed byte is caught. */
class ModelArchiveTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Property(tries = 50)
    void whatIsWrittenIsReadBackAsItWas(@ForAll @Size(max = 6) List<@DoubleRange(min = -1e6, max = 1e6) Double> weights,
                                        @ForAll @StringLength(min = 1, max = 30) String componentName,
                                        @ForAll @StringLength(max = 40) String description) {
        PipelineModel model = model(description);
        List<ComponentModel> components = components(componentName, weights);
        byte[] archive = ModelArchive.write(model, components);
        ModelArchive.Unpacked read = ModelArchive.read(archive, 1 << 20);
        assertThat(read.model()).isEqualTo(model);
        assertThat(read.components()).isEqualTo(components);
        assertThat(read.sha256()).isEqualTo(ModelArchive.sha256(archive));
        assertThat(ModelArchive.write(model, components)).isEqualTo(archive);
    }

    @Property(tries = 50)
    void aFlippedByteIsRefusedNeverReadAsAnotherModel(@ForAll @Size(min = 1, max = 6)
                                                      List<@DoubleRange(min = -1e6, max = 1e6) Double> weights,
                                                      @ForAll int position, @ForAll byte flip) {
        byte[] archive = ModelArchive.write(model(""), components("lr_0", weights));
        int at = Math.floorMod(position, archive.length);
        byte[] changed = archive.clone();
        changed[at] ^= (byte) (flip == 0 ? 1 : flip);
        try {
            ModelArchive.Unpacked read = ModelArchive.read(changed, 1 << 20);
            // a byte of the zip's own bookkeeping (a time, an unused field) may change nothing read
            assertThat(read.model()).isEqualTo(model(""));
            assertThat(read.components()).isEqualTo(components("lr_0", weights));
        } catch (FlowException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 10)
    void anArchivePastTheCapIsRefusedWhateverItCompressesTo(@ForAll @Size(min = 1, max = 3)
                                                            List<@DoubleRange(min = 0, max = 1) Double> weights) {
        List<ComponentModel> components = new ArrayList<>(components("lr_0", weights));
        ObjectNode big = NODES.objectNode().put("zeros", "0".repeat(200_000));
        components.add(new ComponentModel("big_0", "model", "Big", big, NODES.objectNode()));
        byte[] archive = ModelArchive.write(model(""), components);
        assertThat(archive.length).isLessThan(50_000);
        assertThatThrownBy(() -> ModelArchive.read(archive, 100_000)).isInstanceOf(FlowException.class)
                .hasMessageContaining("over 100000 bytes").hasMessageContaining("--max-model-archive");
    }

    private static PipelineModel model(String description) {
        ObjectNode roles = NODES.objectNode();
        roles.putArray("local").add(0);
        ObjectNode dsl = NODES.objectNode();
        dsl.putObject("components").putObject("lr_0").put("module", "LR");
        return new PipelineModel("local-0#model", "202612040000000000001", "local", "0", "202612040000000000001", "",
                roles, "local", "0", dsl, NODES.objectNode(), NODES.objectNode().put("dsl_version", 2),
                NODES.objectNode(), description, 1L, 2L);
    }

    private static List<ComponentModel> components(String name, List<Double> weights) {
        ObjectNode param = NODES.objectNode();
        weights.forEach(param.putArray("weights")::add);
        return List.of(new ComponentModel(name, "model", "LR", param, NODES.objectNode().put("penalty", "L2")));
    }
}
