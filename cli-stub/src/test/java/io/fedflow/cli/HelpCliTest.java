package io.fedflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code flow --help}, {@code flow} alone and each group alone list their commands as FATE's CLI (click) does:
 * one name a line, alphabetical, aliases on their own line, each with its one-line description.
 */
class HelpCliTest {
    /** FATE 1.11's groups as {@code flow --help} lists them (click sorts them), with Fedflow's {@code site}. */
    private static final List<String> GROUPS = List.of(
            "  checkpoint  Checkpoint Operations",
            "  component   Component Operations",
            "  data        Data Operations",
            "  job         Job Operations",
            "  key         Public Key Operations",
            "  model       Model Operations",
            "  privilege   Privilege Operations",
            "  provider    Component Provider Operations",
            "  queue       Queue Operations",
            "  resource    Resource Manager",
            "  server      FATE Flow Server Operations",
            "  service     FATE Flow External Service Operations",
            "  site        Site keys, peers and certificates",
            "  table       Table Operations",
            "  tag         Tag Operations",
            "  task        Task Operations",
            "  template    Template Operations",
            "  test        FATE Flow Test Operations",
            "  tracking    Component Operations");

    private static List<String> commands(String help) {
        List<String> lines = help.lines().toList();
        return lines.subList(lines.indexOf("Commands:") + 1, lines.size());
    }

    /** The command names of a help: the lines indented by two (wrapped descriptions are indented further). */
    private static List<String> names(String help) {
        return commands(help).stream().filter(l -> l.startsWith("  ") && !l.startsWith("   "))
                .map(l -> l.strip().split(" ")[0]).toList();
    }

    @Test
    void helpAndNoArgumentsListTheGroupsAsFatesCli() {
        CliRun.Text help = CliRun.text("--help");
        assertThat(help.exit()).isZero();
        assertThat(commands(help.out())).containsExactlyElementsOf(GROUPS);

        CliRun.Text bare = CliRun.text();
        assertThat(bare.exit()).as(bare.err()).isZero();
        assertThat(bare.out()).isEqualTo(help.out());
    }

    @Test
    void everyGroupListsItsCommandsAlphabetically() {
        for (String group : List.of("privilege", "service", "job", "table", "component", "tracking", "data", "model",
                "server", "provider", "key", "tag", "task", "checkpoint", "template", "test", "resource", "queue",
                "site")) {
            CliRun.Text help = CliRun.text(group, "--help");
            assertThat(help.exit()).as(group).isZero();
            assertThat(names(help.out())).as(group).isNotEmpty().isSorted();
            // a group given alone prints the same help, as click does
            CliRun.Text bare = CliRun.text(group);
            assertThat(bare.exit()).as(group + ": " + bare.err()).isZero();
            assertThat(bare.out()).as(group).isEqualTo(help.out());
        }
        assertThat(commands(CliRun.text("privilege", "-h").out()))
                .anySatisfy(l -> assertThat(l).startsWith("  grant   Grant a party components and datasets"))
                .anySatisfy(l -> assertThat(l).startsWith("  query   The components and datasets a party is granted"))
                .anySatisfy(l -> assertThat(l).startsWith("  delete  Take components and datasets back"));
        assertThat(commands(CliRun.text("job", "-h").out())).anySatisfy(l -> assertThat(l)
                .startsWith("  parameter-update  Change an ended job's"));
        assertThat(names(CliRun.text("service", "-h").out())).containsExactly("query", "registry");
        assertThat(commands(CliRun.text("component", "-h").out())).anySatisfy(l -> assertThat(l)
                .startsWith("  summary "));
    }

    @Test
    void anUnknownCommandIsABadCommandLine() {
        CliRun.Text unknown = CliRun.text("nope");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unmatched argument", "nope");
        CliRun.Text unknownInGroup = CliRun.text("privilege", "revoke");
        assertThat(unknownInGroup.exit()).isEqualTo(2);
        assertThat(unknownInGroup.err()).contains("revoke");
    }
}
