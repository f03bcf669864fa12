package io.fedflow.node.board;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.core.Limits;
import io.fedflow.node.core.Paging;
import io.fedflow.node.wire.FateJson;

/** The board's JSON answers: FATE's envelope, as every /v1 call answers. */
final class BoardJson {
    private BoardJson() {}

    /** FATE's success envelope around {@code data}. */
    static HttpResponse ok(Object data) {
        return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, envelope(data).toString());
    }

    /**
     * The page a request asks for, its numbers refused naming the field when they are not whole numbers, and
     * a limit over {@code maxRows} refused naming the flag that sets it (as the component data preview does).
     */
    static Paging paging(String limit, String page, int maxRows) {
        int rows = number("limit", limit);
        if (rows > maxRows) {
            throw FlowException.argument("limit " + rows + " is over the cap of " + maxRows + " rows a page ("
                    + Limits.MAX_BOARD_PAGE_ROWS_FLAG + ")");
        }
        return new Paging(rows, number("page", page));
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
    static ObjectNode envelope(Object data) {
        ObjectNode envelope = FateJson.MAPPER.createObjectNode();
        envelope.put("retcode", 0);
        envelope.put("retmsg", "success");
        envelope.set("data", FateJson.MAPPER.valueToTree(data));
        return envelope;
    }
}
