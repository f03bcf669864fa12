package io.fedflow.node.board;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.core.Paging;
import io.fedflow.node.wire.FateJson;

/** The board's JSON answers: FATE's envelope, as every /v1 call and every /board/api route answers. */
final class BoardJson {
    private BoardJson() {}

    /** FATE's success envelope around {@code data}. */
    static HttpResponse ok(Object data) {
        return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, envelope(data));
    }

    /** The page a request asks for, its numbers refused naming the field when they are not whole numbers. */
    static Paging paging(String limit, String page) {
        return new Paging(number("limit", limit), number("page", page));
    }

    private static int number(String field, String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw FlowException.argument("field " + field + " must be a whole number, got \""
                    + (value.length() > 32 ? value.substring(0, 32) + "..." : value) + "\"");
        }
    }

    /** The envelope itself (the events stream sends the same text). */
    static String envelope(Object data) {
        ObjectNode envelope = FateJson.MAPPER.createObjectNode();
        envelope.put("retcode", 0);
        envelope.put("retmsg", "success");
        envelope.set("data", FateJson.MAPPER.valueToTree(data));
        return envelope.toString();
    }
}
