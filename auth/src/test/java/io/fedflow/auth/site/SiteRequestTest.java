package io.fedflow.auth.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SiteRequestTest {
    @Test
    void canonicalStringIsTheDocumentedSevenLines() {
        SiteRequest request = SiteRequest.of("fedflow.v1.PartyService/CreateJob", "9999", "10000",
                1_700_000_000_000L, "q83vEjRWeJq83vEjRWeJqw", "hello".getBytes(StandardCharsets.UTF_8));

        assertThat(request.canonicalString()).isEqualTo("""
                fedflow-site-v1
                fedflow.v1.PartyService/CreateJob
                9999
                10000
                1700000000000
                q83vEjRWeJq83vEjRWeJqw
                2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824""");
        assertThat(request.canonicalBytes()).isEqualTo(request.canonicalString().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void canonicalBytesAreUtf8WhenAFieldIsNotAscii() {
        SiteRequest request = SiteRequest.of("fedflow.v1.PartyService/Ping", "gäst-9999", "10000",
                1_700_000_000_000L, "q83vEjRWeJq83vEjRWeJqw", new byte[0]);
        assertThat(new String(request.canonicalBytes(), StandardCharsets.UTF_8)).isEqualTo(request.canonicalString());
        assertThat(request.canonicalBytes()).isEqualTo(request.canonicalString().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void refusesALineBreakInAField() {
        assertThatThrownBy(() -> SiteRequest.of("m", "9999\n10000", "10000", 1L, "nonce", new byte[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("source party");
    }
}
