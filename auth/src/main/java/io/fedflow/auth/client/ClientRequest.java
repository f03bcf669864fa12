package io.fedflow.auth.client;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A client's HTTP request as client authentication sees it.
 *
 * @param fullPath path and query exactly as sent ({@code /v1/data/upload?id=1}); a trailing {@code ?} is ignored
 * @param headers  request headers; looked up case-insensitively with {@code '-'} and {@code '_'} equal
 * @param form     form fields of a form-encoded or multipart request (first value of each), else empty
 * @param body     raw request body (empty when none)
 */
public record ClientRequest(String fullPath, Map<String, String> headers, Map<String, String> form, byte[] body) {
    public ClientRequest {
        Map<String, String> normalized = new LinkedHashMap<>();
        headers.forEach((name, value) -> normalized.putIfAbsent(normalizeHeaderName(name), value));
        headers = Collections.unmodifiableMap(normalized);
        form = Collections.unmodifiableMap(new LinkedHashMap<>(form));
        body = body == null ? new byte[0] : body.clone();
    }

    /** The header's value, or null; {@code app-key}, {@code APP_KEY} and {@code App-Key} are one name. */
    public String header(String name) {
        return headers.get(normalizeHeaderName(name));
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    /** Upper case with '-' read as '_', as WSGI presents header names to FATE-Flow. */
    static String normalizeHeaderName(String name) {
        return name.toUpperCase(Locale.ROOT).replace('-', '_');
    }
}
