package io.fedflow.auth.hook;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.Locale;

/**
 * A hook service registered with {@code /v1/service/registry} (FATE's t_service_registry_info row).
 *
 * @param hook   which hook it replaces ({@code service_name})
 * @param method HTTP method ({@code f_method}), usually POST
 * @param url    where to call it ({@code f_url})
 * @param data   registered extra parameters ({@code f_data}), sent with every call under the hook's own
 */
public record RemoteHookService(HookName hook, String method, URI url, ObjectNode data) {
    public RemoteHookService {
        method = method == null || method.isBlank() ? "POST" : method.strip().toUpperCase(Locale.ROOT);
        data = data == null ? JsonNodeFactory.instance.objectNode() : data.deepCopy();
    }

    public RemoteHookService(HookName hook, String method, URI url) {
        this(hook, method, url, null);
    }

    @Override
    public ObjectNode data() {
        return data.deepCopy();
    }
}
