package io.fedflow.auth.hook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.auth.client.ClientRequest;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Input of the {@code client_authentication} hook (FATE's ClientAuthenticationParameters).
 *
 * @param fullPath path and raw query as sent
 * @param headers  request headers
 * @param form     form fields, empty when none
 * @param data     raw body
 * @param json     the body parsed as JSON, {@link NullNode} when it is not JSON
 */
public record ClientAuthenticationParameters(
        String fullPath, Map<String, String> headers, Map<String, String> form, byte[] data, JsonNode json) {

    public ClientAuthenticationParameters {
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        form = Collections.unmodifiableMap(new LinkedHashMap<>(form));
        data = data == null ? new byte[0] : data.clone();
        json = json == null ? NullNode.getInstance() : json.deepCopy();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public JsonNode json() {
        return json.deepCopy();
    }

    public ClientRequest toClientRequest() {
        return new ClientRequest(fullPath, headers, form, data);
    }

    /** FATE's parameter dict; {@code data} as a UTF-8 string (bytes do not travel in JSON). */
    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("full_path", fullPath);
        ObjectNode headerNode = node.putObject("headers");
        headers.forEach(headerNode::put);
        ObjectNode formNode = node.putObject("form");
        form.forEach(formNode::put);
        node.put("data", new String(data, StandardCharsets.UTF_8));
        node.set("json", json.deepCopy());
        return node;
    }
}
