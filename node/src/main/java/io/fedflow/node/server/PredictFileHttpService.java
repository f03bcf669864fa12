package io.fedflow.node.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.model.PredictFiles;
import io.fedflow.node.wire.FateJson;
import io.fedflow.node.wire.Responses;
import io.fedflow.proto.v1.ModelPredictFileRequest;
import java.io.UncheckedIOException;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * {@code POST /v1/model/get/predict/dsl} and {@code /v1/model/get/predict/conf}: FATE's envelope, or with a
 * {@code filename} (FATE's CLI always sends one for {@code -o}) HTTP 200 with the raw JSON file as attachment. A
 * refusal of the file form comes with a non-200 status (210 for no such model, as FATE) and the envelope, since
 * the CLI writes a 200 body into the user's file.
 */
public final class PredictFileHttpService implements HttpService {
    /** The name goes into Content-Disposition unquoted, as FATE's client reads it: nothing that could break it. */
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9._-]{1,255}");

    private final BiFunction<String, String, JsonNode> read;

    private PredictFileHttpService(BiFunction<String, String, JsonNode> read) {
        this.read = read;
    }

    public static PredictFileHttpService dsl(PredictFiles files) {
        return new PredictFileHttpService(files::predictDsl);
    }

    public static PredictFileHttpService conf(PredictFiles files) {
        return new PredictFileHttpService(files::predictConf);
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
        return HttpResponse.of(req.aggregate().thenApplyAsync(body -> {
            ModelPredictFileRequest.Builder r = ModelPredictFileRequest.newBuilder();
            FateJson.merge(body.content().array(), r);
            if (r.getFilename().isEmpty()) {
                return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, FateJson.envelopeBytes(
                        Responses.ok("success", read.apply(r.getModelId(), r.getModelVersion()), null)));
            }
            FlowErrorHandler.answerAsStream(ctx);
            if (!PLAIN_NAME.matcher(r.getFilename()).matches()) {
                throw FlowException.argument("filename must be a plain file name (letters, digits, '.', '_', '-')");
            }
            JsonNode file = read.apply(r.getModelId(), r.getModelVersion());
            return HttpResponse.of(ResponseHeaders.builder(HttpStatus.OK).contentType(MediaType.JSON_UTF_8)
                    .set(HttpHeaderNames.CONTENT_DISPOSITION, "attachment; filename=" + r.getFilename()).build(),
                    HttpData.ofUtf8(pretty(file)));
        }, ctx.blockingTaskExecutor()));
    }

    private static String pretty(JsonNode file) {
        try {
            return FateJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(file);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
