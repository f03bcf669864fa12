package io.fedflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedflow.node.testing.NodeExtension;
import io.fedflow.node.testing.Uploads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code flow table disable|enable|disable-delete} in-process against a real node. */
class TableDisableCliTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();

    private static CliRun flow(String... args) {
        return CliRun.flow("127.0.0.1:" + node.httpPort(), args);
    }

    @Test
    void disableEnableAndDisableDeleteAsFatesCli() throws Exception {
        Uploads.csv(node.http(), "cli_off", "t", "id,x0\na,1\nb,2\n");

        CliRun off = flow("table", "disable", "-t", "t", "-n", "cli_off");
        assertThat(off.retcode()).as(off.toString()).isZero();
        assertThat(off.out().at("/data/0/table_name").asText()).isEqualTo("t");
        assertThat(flow("table", "info", "-t", "t", "-n", "cli_off").out().at("/data/enable").asBoolean()).isFalse();

        CliRun on = flow("table", "enable", "-n", "cli_off");
        assertThat(on.retcode()).isZero();
        assertThat(flow("table", "info", "-t", "t", "-n", "cli_off").out().at("/data/enable").asBoolean()).isTrue();

        CliRun none = flow("table", "disable-delete");
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.retcode()).isEqualTo(101);

        flow("table", "disable", "-t", "t", "-n", "cli_off");
        CliRun deleted = flow("table", "disable-delete");
        assertThat(deleted.retcode()).isZero();
        assertThat(deleted.out().at("/data/0/namespace").asText()).isEqualTo("cli_off");
        assertThat(flow("table", "info", "-t", "t", "-n", "cli_off").out().at("/data/exist").asInt()).isZero();
    }

    @Test
    void unknownTableIs101AndAnEmptyFilterIsRefused() {
        CliRun unknown = flow("table", "enable", "-t", "no", "-n", "such");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.retcode()).isEqualTo(101);
        assertThat(unknown.out().path("retmsg").asText()).contains("no find table");

        CliRun empty = flow("table", "disable");
        assertThat(empty.retcode()).isEqualTo(101);
        assertThat(empty.out().path("retmsg").asText()).contains("table_name", "namespace");
    }
}
