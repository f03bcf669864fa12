package io.fedflow.cli;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * The command lists of {@code flow --help} and of every group's help, as FATE's CLI (click) prints them: one
 * line per name in alphabetical order, an alias on a line of its own (FATE's {@code tracking} is a group beside
 * {@code component}), each with the first sentence of its description. A group given without a command prints
 * its help and exits 0, as click does.
 */
final class CommandList {
    private static final String MISSING_SUBCOMMAND = "Missing required subcommand";
    /** click's help width. */
    private static final int COLUMNS = 80;

    private CommandList() {}

    /** Puts the list renderer on {@code root} and every command under it, and the help-on-bare-group rule. */
    static CommandLine install(CommandLine root) {
        Set<CommandLine> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        installOn(root, seen);
        CommandLine.IParameterExceptionHandler parseErrors = root.getParameterExceptionHandler();
        root.setParameterExceptionHandler((ex, args) -> {
            CommandLine failed = ex.getCommandLine();
            if (!failed.getSubcommands().isEmpty() && MISSING_SUBCOMMAND.equals(ex.getMessage())) {
                failed.usage(failed.getOut());
                return 0;
            }
            return parseErrors.handleParseException(ex, args);
        });
        return root;
    }

    private static void installOn(CommandLine command, Set<CommandLine> seen) {
        if (!seen.add(command)) {
            return;
        }
        command.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_COMMAND_LIST, CommandList::render);
        command.getSubcommands().values().forEach(sub -> installOn(sub, seen));
    }

    static String render(Help help) {
        Map<String, String> rows = new TreeMap<>();
        for (CommandLine sub : help.commandSpec().subcommands().values()) {
            CommandSpec spec = sub.getCommandSpec();
            if (spec.usageMessage().hidden()) {
                continue;
            }
            String line = firstSentence(spec.usageMessage().description());
            rows.put(spec.name(), line);
            for (String alias : spec.aliases()) {
                rows.put(alias, line);
            }
        }
        int width = rows.keySet().stream().mapToInt(String::length).max().orElse(0);
        StringBuilder sb = new StringBuilder();
        rows.forEach((name, line) -> {
            sb.append("  ").append(name).append(" ".repeat(width - name.length() + 2));
            wrap(sb, line, width + 4);
        });
        return sb.toString();
    }

    /** Appends {@code text} in lines of at most {@link #COLUMNS}, continuation lines indented by {@code indent}. */
    private static void wrap(StringBuilder sb, String text, int indent) {
        int column = indent;
        boolean first = true;
        for (String word : text.split(" ")) {
            if (!first && column + 1 + word.length() > COLUMNS) {
                sb.append(System.lineSeparator()).append(" ".repeat(indent));
                column = indent;
                first = true;
            }
            if (!first) {
                sb.append(' ');
                column++;
            }
            sb.append(word);
            column += word.length();
            first = false;
        }
        sb.append(System.lineSeparator());
    }

    /** What click's short help shows: the description up to the end of its first sentence. */
    static String firstSentence(String[] description) {
        String text = String.join(" ", description).strip();
        int end = text.indexOf(". ");
        if (end >= 0) {
            return text.substring(0, end);
        }
        return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    }
}
