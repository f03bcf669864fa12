package io.fedflow.node.board;

import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.RequestHeaders;
import io.fedflow.auth.client.ClientSignature;
import io.fedflow.auth.hook.HookResult;
import io.fedflow.node.server.ClientAuthentication;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;

/**
 * Judges a board login by the API's own rule: it signs a request with the app key and secret as FATE's client
 * signs one (TIMESTAMP, NONCE, APP_KEY, SIGNATURE over the login's path, no body) and asks the client
 * authentication in force, the built-in check of the node's app keys or a registered
 * {@code client_authentication} hook. So the board takes exactly the pairs the API takes, and a hook sees the
 * login as one more signed call.
 */
public final class BoardLogin {
    static final String SIGNED_PATH = Board.PREFIX + "/api" + SessionApi.PATH;

    private final ClientAuthentication api;
    private final Clock clock;

    public BoardLogin(ClientAuthentication api, Clock clock) {
        this.api = api;
        this.clock = clock;
    }

    /** The verdict of the client authentication in force on a request signed with this pair. */
    HookResult check(String appKey, String secret) {
        String timestamp = Long.toString(clock.millis());
        String nonce = UUID.randomUUID().toString();
        byte[] noBody = new byte[0];
        RequestHeaders signed = RequestHeaders.builder(HttpMethod.POST, SIGNED_PATH)
                .add("TIMESTAMP", timestamp)
                .add("NONCE", nonce)
                .add("APP_KEY", appKey)
                .add("SIGNATURE", ClientSignature.compute(secret, timestamp, nonce, appKey, SIGNED_PATH, noBody,
                        Map.of()))
                .build();
        return api.check(signed, noBody, Map.of());
    }
}
