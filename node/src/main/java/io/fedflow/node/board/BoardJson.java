package io.fedflow.node.board;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import io.fedflow.node.wire.FateJson;

/** The board's successful answers: FATE's envelope, as every /board/api route answers. */
final class BoardJson {
    private BoardJson() {}

    /** FATE's success envelope around {@code data}. */
    static HttpResponse ok(Object data) {
        return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, envelope(data));
    }

    /** The success envelope's text. */
    static String envelope(Object data) {
        ObjectNode envelope = FateJson.MAPPER.createObjectNode();
        envelope.put("retcode", 0);
        envelope.put("retmsg", "success");
        envelope.set("data", FateJson.MAPPER.valueToTree(data));
        return envelope.toString();
    }
}
