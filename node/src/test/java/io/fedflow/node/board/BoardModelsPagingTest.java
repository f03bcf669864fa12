package io.fedflow.node.board;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.fedflow.node.core.Limits;
import io.fedflow.node.model.ModelRegistryStore;
import io.fedflow.node.model.PipelineModel;
import io.fedflow.node.testing.BoardHttp;
import io.fedflow.node.testing.NodeExtension;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The board's model list pages in PostgreSQL: with more models than a page (some made in the same
 * millisecond), the pages read one after the other give every model once, newest first, and the count of
 * all of them; a page larger than {@code --max-board-page-rows} is refused, on every board list.
 */
class BoardModelsPagingTest {
    static final int VERSIONS = 13;

    static final int PAGE_CAP = 10;

    @RegisterExtension
    static final NodeExtension node = NodeExtension.builder().configure(b -> b.limits(Limits.builder()
            .maxBoardPageRows(PAGE_CAP).build())).build();

    static final List<PipelineModel> saved = new ArrayList<>();

    @BeforeAll
    static void saveModels() {
        ModelRegistryStore store = new ModelRegistryStore(node.node().database().dsl());
        JsonNode empty = JsonNodeFactory.instance.objectNode();
        for (int v = 0; v < VERSIONS; v++) {
            for (String[] rp : new String[][] {{"guest", "9999"}, {"host", "10000"}}) {
                // three versions share each create time: the version, then role and party, order them
                long created = 1_700_000_000_000L + v / 3;
                String version = String.format("2026120500000000%05d", v);
                PipelineModel m = new PipelineModel("guest-9999#host-10000#model", version, rp[0], rp[1], version,
                        "", empty, "guest", "9999", empty, empty, empty, empty, "", created, created);
                assertThat(store.save(m, List.of(), false)).isTrue();
                saved.add(m);
            }
        }
    }

    private static String key(JsonNode m) {
        return m.path("model_version").asText() + "/" + m.path("role").asText() + "/" + m.path("party_id").asText();
    }

    @Test
    void pagesSmallerThanTheListGiveEveryModelOnceNewestFirst() {
        List<String> expected = saved.stream()
                .sorted(Comparator.comparingLong(PipelineModel::createTime).reversed()
                        .thenComparing(PipelineModel::modelVersion, Comparator.reverseOrder())
                        .thenComparing(PipelineModel::role).thenComparing(PipelineModel::partyId))
                .map(m -> m.modelVersion() + "/" + m.role() + "/" + m.partyId()).toList();
        BoardHttp board = new BoardHttp(node.http());
        List<String> read = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        for (int page = 1; page <= 4; page++) {
            JsonNode data = board.data("models?limit=10&page=" + page);
            assertThat(data.path("count").asInt()).isEqualTo(2 * VERSIONS);
            sizes.add(data.path("models").size());
            data.path("models").forEach(m -> read.add(key(m)));
        }
        assertThat(sizes).containsExactly(10, 10, 6, 0);
        assertThat(read).containsExactlyElementsOf(expected);
        JsonNode first = board.data("models?limit=1").path("models").get(0);
        assertThat(first.path("create_time").asLong()).isEqualTo(1_700_000_000_000L + (VERSIONS - 1) / 3);
        assertThat(first.path("job_status").asText()).isEqualTo("success");
    }

    @Test
    void theStoreReadsOnlyThePageAsked() {
        ModelRegistryStore store = new ModelRegistryStore(node.node().database().dsl());
        assertThat(store.count()).isEqualTo(2 * VERSIONS);
        assertThat(store.newestFirst(20, 10)).hasSize(6);
        assertThat(store.newestFirst(0, 3)).extracting(PipelineModel::modelVersion)
                .containsExactly("202612050000000000012", "202612050000000000012", "202612050000000000011");
    }

    @Test
    void aLimitOverTheCapIsRefusedNamingTheFlagOnEveryList() {
        BoardHttp board = new BoardHttp(node.http());
        assertThat(board.data("models?limit=" + PAGE_CAP).path("models")).hasSize(PAGE_CAP);
        for (String list : List.of("models", "jobs", "tables")) {
            JsonNode over = board.get(list + "?limit=" + (PAGE_CAP + 1));
            assertThat(over.path("retcode").asInt()).as(list + ": " + over).isEqualTo(101);
            assertThat(over.path("retmsg").asText()).as(list)
                    .contains("limit " + (PAGE_CAP + 1), String.valueOf(PAGE_CAP), Limits.MAX_BOARD_PAGE_ROWS_FLAG);
            assertThat(over.path("data").path(list).isMissingNode()).as(list + ": no rows").isTrue();
        }
    }
}
