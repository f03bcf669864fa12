package io.fedflow.auth.hook;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.proto.RetCode;

/**
 * A registered remote {@code signature} service. The signature is read from the reply's {@code data},
 * as FATE-Flow reads it, or from {@code site_signature}, as FATE's documentation describes it.
 */
public final class HttpSignatureHook implements SignatureHook {
    private final HttpJsonHook remote;

    public HttpSignatureHook(HttpJsonHook remote) {
        this.remote = remote;
    }

    @Override
    public SignatureResult sign(SignatureParameters parameters) {
        HttpJsonHook.Reply reply = remote.call(parameters.toJson());
        if (!reply.accepted()) {
            return SignatureResult.failed(reply.code(), reply.message());
        }
        for (String key : new String[] {"data", "site_signature"}) {
            JsonNode value = reply.body().get(key);
            if (value != null && value.isTextual() && !value.textValue().isEmpty()) {
                return SignatureResult.signed(value.textValue());
            }
        }
        RemoteHookService service = remote.service();
        return SignatureResult.failed(RetCode.EXCEPTION_ERROR.code(), "signature hook " + service.method() + " "
                + service.url() + " answered code 0 but no signature in data or site_signature");
    }
}
