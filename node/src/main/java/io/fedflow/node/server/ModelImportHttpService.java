package io.fedflow.node.server;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.ContentTooLargeException;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.multipart.Multipart;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.core.Limits;
import io.fedflow.node.model.ModelArchives;
import io.fedflow.node.wire.FateJson;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.ModelImportRequest;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code POST /v1/model/import} as FATE's clients send it: a multipart form whose fields are the conf (all
 * strings) and two parts named {@code file}, the client's path as a field and the archive as a part with a
 * filename, which is the one taken. The archive is read up to {@link Limits#maxModelArchive()}, every other
 * part up to {@link Limits#maxRequestBody()}. Refusals answer a non-200 status with FATE's envelope, as
 * FATE does: 400 for a bad request or archive, 404 for what does not exist, 409 for a model that exists.
 */
public final class ModelImportHttpService implements HttpService {
    private final ModelArchives archives;
    private final Limits limits;

    public ModelImportHttpService(ModelArchives archives, Limits limits) {
        this.archives = archives;
        this.limits = limits;
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
        MediaType type = req.contentType();
        if (type == null || !type.isMultipart()) {
            // a body over the cap is refused by the port's handler as any other (413)
            return HttpResponse.of(req.aggregate().thenApply(unused -> {
                FlowErrorHandler.answerAsStream(ctx);
                throw FlowException.argument("send the model archive as a multipart part named file with a "
                        + "filename, the conf as form fields (as FATE's flow model import does)");
            }));
        }
        FlowErrorHandler.answerAsStream(ctx);
        ObjectNode form = JsonNodeFactory.instance.objectNode();
        AtomicReference<byte[]> archive = new AtomicReference<>();
        return HttpResponse.of(Multipart.from(req).bodyParts().mapAsync(part -> {
            if ("file".equals(part.name()) && part.filename() != null) {
                if (archive.get() != null) {
                    return BoundedBody.drain(part.content()).thenApply(unused -> (Object) Boolean.TRUE);
                }
                return BoundedBody.read(part.content(), limits.maxModelArchive()).exceptionally(t -> {
                    throw tooLarge(t, limits.maxModelArchive(), Limits.MAX_MODEL_ARCHIVE_FLAG);
                }).thenApply(bytes -> {
                    archive.set(bytes);
                    return (Object) Boolean.TRUE;
                });
            }
            return BoundedBody.read(part.content(), limits.maxRequestBody()).exceptionally(t -> {
                throw tooLarge(t, limits.maxRequestBody(), Limits.MAX_REQUEST_BODY_FLAG);
            }).thenApply(bytes -> {
                if (part.name() != null && !form.has(part.name())) {
                    form.put(part.name(), new String(bytes, StandardCharsets.UTF_8));
                }
                return (Object) Boolean.TRUE;
            });
        }).collect().thenApplyAsync(unused -> {
            if (archive.get() == null) {
                throw FlowException.argument("no multipart part named file with a filename was sent: it carries "
                        + "the model archive");
            }
            form.remove("file"); // the client's own path to the archive
            ModelImportRequest.Builder r = ModelImportRequest.newBuilder();
            FateJson.merge(form, r);
            FlowResponse answer = archives.importArchive(new ModelArchives.ModelRef(r.getRole(), r.getPartyId(),
                    r.getModelId(), r.getModelVersion()), archive.get(), r.getForceUpdate(), r.getHash())
                    .response();
            return UploadHttpService.json(answer);
        }, ctx.blockingTaskExecutor()));
    }

    private static RuntimeException tooLarge(Throwable t, long cap, String flag) {
        Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        if (cause instanceof ContentTooLargeException) {
            return FlowException.data("a part of the import is over " + cap + " bytes: raise " + flag
                    + " to take it");
        }
        return t instanceof RuntimeException re ? re : new CompletionException(t);
    }
}
