package io.fedflow.auth;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The module's one JSON mapper (hook wire, dataset references, signed bodies). The node's own mapper is
 * out of reach ({@code auth} never depends on the node); readers that need a stricter parse derive an
 * {@code ObjectReader} from this one instead of configuring another mapper.
 */
public final class AuthJson {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private AuthJson() {}
}
