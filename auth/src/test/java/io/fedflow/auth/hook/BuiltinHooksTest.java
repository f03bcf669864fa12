package io.fedflow.auth.hook;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedflow.auth.PermissionChecks;
import io.fedflow.auth.TestClock;
import io.fedflow.auth.client.ClientAuthenticator;
import io.fedflow.auth.permission.Grant;
import io.fedflow.auth.permission.InMemoryGrantStore;
import io.fedflow.auth.permission.PermissionSwitches;
import io.fedflow.auth.replay.InMemoryReplayGuard;
import io.fedflow.auth.site.PeerKeys;
import io.fedflow.auth.site.Refusal;
import io.fedflow.auth.site.SiteCallSigner;
import io.fedflow.auth.site.SiteHeaders;
import io.fedflow.auth.site.SiteKeys;
import io.fedflow.auth.site.SiteVerifier;
import io.fedflow.auth.site.Verdict;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuiltinHooksTest {
    private static final String METHOD = "fedflow.v1.PartyService/CreateJob";
    private static final byte[] BODY = "job".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private final TestClock clock = new TestClock(1_700_000_000_000L);

    @Test
    void builtinSignatureAndSiteAuthenticationHooksVerifyEachOther() {
        SiteKeys guestKeys = SiteKeys.loadOrCreate(dir);
        SiteCallSigner guest = new SiteCallSigner("9999",
                new HookSignatureSource(new BuiltinSignatureHook(guestKeys.signer())), clock, new SecureRandom());
        SiteVerifier host = new SiteVerifier("10000",
                new HookSignatureCheck(new BuiltinSiteAuthenticationHook(PeerKeys.of(Map.of("9999", guestKeys.publicKey())))),
                new InMemoryReplayGuard(clock), clock);

        SiteHeaders headers = guest.headersFor(METHOD, "10000", BODY);

        assertThat(host.verify(headers, METHOD, BODY).accepted()).isTrue();
        Verdict changed = host.verify(guest.headersFor(METHOD, "10000", BODY), METHOD, "other".getBytes());
        assertThat(changed.refusal()).isEqualTo(Refusal.BAD_SIGNATURE);
        assertThat(changed.retcode()).isEqualTo(109);
    }

    @Test
    void builtinPermissionHookAnswersFatesInnerCodes() {
        InMemoryGrantStore grants = new InMemoryGrantStore();
        grants.add(Grant.component("9999", "reader"));
        BuiltinPermissionHook hook = new BuiltinPermissionHook(grants, new PermissionSwitches(true, true, true, false));

        HookResult result = hook.check(PermissionChecks.guestAsksHost(List.of("reader", "heterolr")));

        assertThat(result.code()).isEqualTo(2);
        assertThat(result.message()).isEqualTo("check component permission failed: heterolr");
        assertThat(new BuiltinPermissionHook(grants, PermissionSwitches.off())
                .check(PermissionChecks.guestAsksHost(List.of("heterolr"))).accepted()).isTrue();
    }

    @Test
    void builtinClientAuthenticationHookRefusesAnUnsignedRequestWith109() {
        ClientAuthenticator authenticator =
                new ClientAuthenticator(Map.of("app", "secret"), new InMemoryReplayGuard(clock), clock);

        HookResult result = new BuiltinClientAuthenticationHook(authenticator).authenticate(
                new ClientAuthenticationParameters("/v1/job/query", Map.of(), Map.of(), new byte[0], null));

        assertThat(result.code()).isEqualTo(109);
        assertThat(result.message()).startsWith("requirement headers parameters");
    }

    @Test
    void permissionHooksRunInOrderAndTheFirstRefusalWins() {
        PermissionHook accepts = parameters -> HookResult.ok();
        PermissionHook refusesRole = parameters -> new HookResult(1, "check role permission failed: host");
        PermissionHook refusesComponent = parameters -> new HookResult(2, "never asked");

        HookResult result = PermissionHook.inOrder(List.of(accepts, refusesRole, refusesComponent))
                .check(PermissionChecks.guestAsksHost(List.of()));

        assertThat(result).isEqualTo(new HookResult(1, "check role permission failed: host"));
    }
}
