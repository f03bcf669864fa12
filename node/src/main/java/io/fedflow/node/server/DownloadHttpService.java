package io.fedflow.node.server;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.fedflow.node.data.DownloadService;
import io.fedflow.node.store.generated.tables.records.TStorageTableMetaRecord;
import io.fedflow.node.wire.FateJson;
import io.fedflow.node.wire.FileStreams;
import io.fedflow.node.wire.Responses;
import io.fedflow.proto.v1.DownloadRequest;

/**
 * {@code POST /v1/data/download}. As in FATE, a download job writes the table on the node (inside the
 * export directory) and answers the JSON envelope with {@code jobId}; when the caller accepts
 * {@code text/csv}, the rows are streamed back instead, and errors then come with a non-200 status.
 */
public final class DownloadHttpService implements HttpService {

    private final DownloadService downloads;

    public DownloadHttpService(DownloadService downloads) {
        this.downloads = downloads;
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
        String accept = req.headers().get(HttpHeaderNames.ACCEPT, "");
        boolean csv = accept.contains("text/csv");
        return HttpResponse.of(req.aggregate().thenApplyAsync(body -> {
            if (csv) {
                // A stream's caller reads 200 as "this body is the file": its errors must not be 200.
                FlowErrorHandler.answerAsStream(ctx);
            }
            DownloadRequest.Builder b = DownloadRequest.newBuilder();
            FateJson.merge(body.content().array(), b);
            DownloadRequest request = b.build();
            if (csv) {
                return stream(ctx, request);
            }
            StringBuilder jobId = new StringBuilder();
            var data = downloads.downloadToFile(request, jobId);
            return UploadHttpService.json(Responses.ok("success", data, jobId.toString()));
        }, ctx.blockingTaskExecutor()));
    }

    private HttpResponse stream(ServiceRequestContext ctx, DownloadRequest request) {
        TStorageTableMetaRecord meta = downloads.prepareStream(request);
        return FileStreams.http(ctx, MediaType.CSV_UTF_8, meta.getFNamespace() + "_" + meta.getFName() + ".csv",
                out -> downloads.writeCsv(meta, DownloadService.delimiter(request, meta), out), () -> {});
    }
}
