package io.fedflow.node;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The flags that set the node's caps reach {@link Limits}. */
class NodeMainLimitsTest {
    @Test
    void maxAutoRetriesFlagSetsTheCap() {
        NodeMain main = new NodeMain();
        new CommandLine(main).parseArgs("--max-auto-retries", "3");
        assertThat(main.limits().maxAutoRetries()).isEqualTo(3);

        NodeMain defaults = new NodeMain();
        new CommandLine(defaults).parseArgs();
        assertThat(defaults.limits().maxAutoRetries()).isEqualTo(Limits.defaults().maxAutoRetries()).isEqualTo(10);
    }
}
