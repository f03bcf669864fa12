package io.fedflow.node.data;

import io.fedflow.node.core.FlowException;
import io.fedflow.node.store.generated.tables.records.TStorageTableMetaRecord;
import io.fedflow.node.wire.FileStreams;
import io.fedflow.node.wire.Responses;
import io.fedflow.proto.v1.DataChunk;
import io.fedflow.proto.v1.DataServiceGrpc;
import io.fedflow.proto.v1.DownloadRequest;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.UploadConf;
import io.fedflow.proto.v1.UploadHistoryRequest;
import io.fedflow.proto.v1.UploadRequest;
import io.fedflow.proto.v1.WriterRequest;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** gRPC adapter of the data domain: decode, call one domain method, encode. */
public final class DataGrpcService extends DataServiceGrpc.DataServiceImplBase {
    private final UploadService uploads;
    private final DownloadService downloads;
    private final UploadSpool spool;
    private final DataWriter writer;

    public DataGrpcService(UploadService uploads, DownloadService downloads, UploadSpool spool, DataWriter writer) {
        this.uploads = uploads;
        this.downloads = downloads;
        this.spool = spool;
        this.writer = writer;
    }

    @Override
    public StreamObserver<UploadRequest> upload(StreamObserver<FlowResponse> responseObserver) {
        return new StreamObserver<>() {
            private UploadService.ValidConf conf;
            private Path file;
            private OutputStream out;
            private boolean failed;

            @Override
            public void onNext(UploadRequest req) {
                if (failed) {
                    return;
                }
                try {
                    if (req.hasConf()) {
                        if (conf != null) {
                            throw FlowException.argument("the upload conf was sent twice");
                        }
                        conf = uploads.validate(req.getConf());
                        file = spool.newFile();
                        out = Files.newOutputStream(file);
                    } else {
                        if (conf == null) {
                            throw FlowException.argument("the first message of an upload must carry the conf");
                        }
                        req.getChunk().writeTo(out);
                    }
                } catch (Exception e) {
                    fail(e);
                }
            }

            @Override
            public void onError(Throwable t) {
                cleanup();
            }

            @Override
            public void onCompleted() {
                if (failed) {
                    return;
                }
                try {
                    if (conf == null) {
                        throw FlowException.argument("the upload carried no conf");
                    }
                    out.close();
                    UploadService.Outcome o = uploads.upload(conf, file);
                    if (o.failure() != null) {
                        throw o.failure();
                    }
                    responseObserver.onNext(Responses.ok("success", o.data(), o.jobId()));
                    responseObserver.onCompleted();
                } catch (Exception e) {
                    responseObserver.onError(e);
                } finally {
                    cleanup();
                }
            }

            private void fail(Exception e) {
                failed = true;
                cleanup();
                responseObserver.onError(e);
            }

            private void cleanup() {
                try {
                    if (out != null) {
                        out.close();
                    }
                    if (file != null) {
                        Files.deleteIfExists(file);
                    }
                } catch (IOException ignored) {
                    // the spool directory is ours and emptied at start
                }
            }
        };
    }

    @Override
    public void uploadLocal(UploadConf request, StreamObserver<FlowResponse> responseObserver) {
        UploadService.Outcome o = uploads.uploadLocal(request);
        if (o.failure() != null) {
            throw o.failure();
        }
        responseObserver.onNext(Responses.ok("success", o.data(), o.jobId()));
        responseObserver.onCompleted();
    }

    @Override
    public void download(DownloadRequest request, StreamObserver<FlowResponse> responseObserver) {
        StringBuilder jobId = new StringBuilder();
        var data = downloads.downloadToFile(request, jobId);
        responseObserver.onNext(Responses.ok("success", data, jobId.toString()));
        responseObserver.onCompleted();
    }

    @Override
    public void downloadStream(DownloadRequest request, StreamObserver<DataChunk> responseObserver) {
        TStorageTableMetaRecord meta = downloads.prepareStream(request);
        FileStreams.grpc(responseObserver,
                out -> downloads.writeCsv(meta, DownloadService.delimiter(request, meta), out), () -> {});
    }

    @Override
    public void writer(WriterRequest request, StreamObserver<FlowResponse> responseObserver) {
        StringBuilder jobId = new StringBuilder();
        var data = writer.write(request, jobId);
        responseObserver.onNext(Responses.ok("success", data, jobId.toString()));
        responseObserver.onCompleted();
    }

    @Override
    public void uploadHistory(UploadHistoryRequest request, StreamObserver<FlowResponse> responseObserver) {
        responseObserver.onNext(Responses.ok(uploads.history(request.getLimit(), request.getJobId())));
        responseObserver.onCompleted();
    }
}
