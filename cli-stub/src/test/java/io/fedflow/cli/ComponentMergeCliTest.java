package io.fedflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fedflow.node.testing.HeteroModels;
import io.fedflow.node.testing.SitesExtension;
import io.fedflow.node.testing.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flow component hetero-model-merge|woe-array-extract|woe-array-merge} in-process against two real sites
 * that trained a HeteroLR and a HeteroFeatureBinning model (guest 9999; host and arbiter 10000).
 */
class ComponentMergeCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final SitesExtension sites = SitesExtension.breastHetero().build();
    static final TestNode guest = sites.site("9999");
    static final TestNode host = sites.site("10000");
    static String version;

    @TempDir
    Path dir;

    @BeforeAll
    static void train() {
        version = HeteroModels.train(guest, host);
        HeteroModels.handHostModelToGuest(guest, host, version);
    }

    private static CliRun flow(TestNode site, String... args) {
        return CliRun.flow("127.0.0.1:" + site.node().httpPort(), args);
    }

    @Test
    void heteroModelMergeWritesTheModelToOutputPath() throws Exception {
        Path out = dir.resolve("merged/model.json");
        CliRun run = flow(guest, "component", "hetero-model-merge", "--model-id", HeteroModels.MODEL_ID,
                "--model-version", version, "--guest-party-id", "9999", "--host-party-ids", "10000",
                "-cpn", HeteroModels.LR, "--model-type", "lr", "--output-format", "sklearn", "--include-guest-coef",
                "--no-host-rename", "--output-path", out.toString());
        assertThat(run.exit()).as(run.out().toString()).isZero();
        assertThat(run.out().get("retmsg").asText()).contains(out.toString());
        JsonNode model = JSON.readTree(Files.readString(out));
        JsonNode guestLr = HeteroModels.model(guest, version, "guest", HeteroModels.LR);
        JsonNode hostLr = HeteroModels.model(host, version, "host", HeteroModels.LR);
        assertThat(model.at("/coef_/0/0").asDouble()).isEqualTo(guestLr.at("/weight/x0").asDouble());
        assertThat(model.at("/coef_/0/10").asDouble()).isEqualTo(hostLr.at("/weight/x0").asDouble());
        assertThat(model.at("/intercept_/0").asDouble()).isEqualTo(guestLr.get("intercept").asDouble());

        Path pmml = dir.resolve("model.xml");
        CliRun xml = flow(guest, "component", "hetero-merge", "-mid", HeteroModels.MODEL_ID, "-mv", version,
                "-gid", "9999", "-hids", "10000", "-cpn", HeteroModels.LR, "--model-type", "lr",
                "--output-format", "pmml", "--target-name", "label", "-o", pmml.toString());
        assertThat(xml.exit()).as(xml.out().toString()).isZero();
        assertThat(Files.readString(pmml)).startsWith("<?xml").contains("<DataField name=\"label\"",
                "name=\"host_x19\"").doesNotContain("guest_x0");

        Path none = dir.resolve("none.xml");
        CliRun refused = flow(guest, "component", "hetero-model-merge", "--model-id", HeteroModels.MODEL_ID,
                "--model-version", version, "--guest-party-id", "9999", "--host-party-ids", "10000,10001",
                "-cpn", HeteroModels.LR, "--model-type", "lr", "--output-format", "pmml", "-o", none.toString());
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.retcode()).isEqualTo(101);
        assertThat(refused.out().get("retmsg").asText()).contains("host_party_ids");
        assertThat(none).doesNotExist();
    }

    @Test
    void woeArrayExtractThenMergeMakesANewHostVersion() throws Exception {
        Path woe = dir.resolve("woe.json");
        CliRun extract = flow(guest, "component", "woe-array-extract", "-mid", HeteroModels.MODEL_ID, "-mv", version,
                "-r", "guest", "-p", "9999", "-cpn", HeteroModels.BINNING, "-o", woe.toString());
        assertThat(extract.exit()).as(extract.out().toString()).isZero();
        JsonNode arrays = JSON.readTree(Files.readString(woe));
        JsonNode guestBinning = HeteroModels.model(guest, version, "guest", HeteroModels.BINNING);
        assertThat(arrays.at("/host_10000_x5/woeArray"))
                .isEqualTo(guestBinning.at("/host_results/0/binning_result/host_10000_x5/woe_array"));

        CliRun merge = flow(host, "component", "woe-array-merge", "-mid", HeteroModels.MODEL_ID, "-mv", version,
                "-r", "host", "-p", "10000", "-cpn", HeteroModels.BINNING, "--woe-array-file", woe.toString());
        assertThat(merge.exit()).as(merge.out().toString()).isZero();
        String newVersion = merge.out().at("/data/model_version").asText();
        assertThat(newVersion).isNotEmpty().isNotEqualTo(version);
        JsonNode rows = host.http().post("/v1/model/query", Map.of("model_version", newVersion));
        assertThat(rows.at("/data/0/f_parent_info/parent_version").asText()).isEqualTo(version);

        CliRun wrongRole = flow(guest, "component", "woe-array-merge", "-mid", HeteroModels.MODEL_ID, "-mv",
                version, "-r", "guest", "-p", "9999", "-cpn", HeteroModels.BINNING, "--woe-array-file", woe.toString());
        assertThat(wrongRole.retcode()).isEqualTo(101);
        CliRun noFile = flow(host, "component", "woe-array-merge", "-mid", HeteroModels.MODEL_ID, "-mv", version,
                "-r", "host", "-p", "10000", "-cpn", HeteroModels.BINNING, "--woe-array-file",
                dir.resolve("missing.json").toString());
        assertThat(noFile.retcode()).isEqualTo(101);
        assertThat(noFile.out().get("retmsg").asText()).contains("missing.json");
    }
}
