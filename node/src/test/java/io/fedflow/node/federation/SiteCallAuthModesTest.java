package io.fedflow.node.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.fedflow.auth.site.SiteKeys;
import io.fedflow.node.Node;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.core.SiteCallAuth;
import io.fedflow.node.testing.SitesExtension;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two real sites, 9999 signing its calls ({@code --site-call-auth signature}) and 10000 MAC'ing them (the
 * default): each serves the other. Which proof a call carries shows when the callee holds a wrong key for the
 * caller: the refusal names the signature or the MAC.
 */
class SiteCallAuthModesTest {
    @RegisterExtension
    static final SitesExtension sites = SitesExtension.builder("9999", "10000")
            .configure((id, c) -> c.siteCallAuth(id.equals("9999") ? SiteCallAuth.SIGNATURE : SiteCallAuth.MAC))
            .build();

    @Test
    void aSigningSiteAndAMacingSiteServeEachOther() {
        assertThat(sites.node("10000").config().siteCallAuth()).isEqualTo(SiteCallAuth.MAC);
        assertThat(sites.node("9999").partyClient().ping("10000", new byte[] {1}).getPartyId()).isEqualTo("10000");
        assertThat(sites.node("10000").partyClient().ping("9999", new byte[] {2}).getPartyId()).isEqualTo("9999");
    }

    @Test
    void theSigningSiteSendsASignatureAndTheMacingSiteAMac() throws Exception {
        String stranger = SiteKeys.loadOrCreate(Files.createTempDirectory("fedflow-modes-stranger")).publicKeyBase64();
        assertThat(refusalOfAPing(sites.node("10000"), "9999", sites.node("9999"), "10000", stranger))
                .contains("site signature of party 9999 does not verify");
        assertThat(refusalOfAPing(sites.node("9999"), "10000", sites.node("10000"), "9999", stranger))
                .contains("site MAC of party 10000 does not verify");
    }

    /** The message of {@code caller}'s ping refused by {@code callee}, which holds {@code wrongKey} for the caller. */
    private static String refusalOfAPing(Node callee, String callerId, Node caller, String calleeId, String wrongKey) {
        String rightKey = callee.peers().find(callerId).orElseThrow().publicKey();
        callee.peers().replaceKey(callerId, wrongKey);
        try {
            Throwable refused = catchThrowable(() -> caller.partyClient().ping(calleeId, new byte[] {3}));
            assertThat(refused).isInstanceOf(FlowException.class);
            return refused.getMessage();
        } finally {
            callee.peers().replaceKey(callerId, rightKey);
        }
    }
}
