package io.fedflow.cli;

import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.DataChunk;
import io.fedflow.proto.v1.DataServiceGrpc;
import io.fedflow.proto.v1.DownloadRequest;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.TableRequest;
import io.fedflow.proto.v1.TableServiceGrpc;
import io.fedflow.proto.v1.UploadConf;
import io.fedflow.proto.v1.UploadHistoryRequest;
import io.fedflow.proto.v1.WriterRequest;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code flow data ...}: upload, download and upload history. */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Data Operations")
final class DataCommand {
    @ParentCommand
    FlowCli flow;

    @Command(name = "upload", mixinStandardHelpOptions = true,
            description = "Upload a delimited file as a table. The file is streamed from this machine, "
                    + "or read on the node when the conf says \"use_local_data\": 0.")
    int upload(@Option(names = {"-c", "--conf-path"}, required = true, description = "FATE upload conf (JSON).")
               Path confPath,
               @Option(names = "--drop", description = "Replace the table if it exists (drop=1).") boolean drop,
               @Option(names = "--verbose", description = "Show the progress bar (on stderr).") boolean verbose) {
        return flow.call(channel -> {
            Struct raw = ConfFile.read(confPath);
            UploadConf.Builder conf = ConfFile.into(raw, UploadConf.newBuilder(), confPath);
            if (drop) {
                conf.setDrop(1);
            }
            if (conf.hasUseLocalData() && conf.getUseLocalData() == 0) {
                return DataServiceGrpc.newBlockingStub(channel).uploadLocal(conf.build());
            }
            Path file = clientFile(conf.getFile(), confPath);
            boolean onTerminal = System.console() != null;
            boolean showProgress = verbose || onTerminal
                    || raw.getFieldsOrDefault("verbose", Value.getDefaultInstance()).getNumberValue() == 1;
            Progress progress = !showProgress ? null
                    : onTerminal ? Progress.onTerminal(flow.err(), Files.size(file))
                    : Progress.asLines(flow.err(), Files.size(file));
            return FileUpload.send(channel, conf.build(), file, progress);
        });
    }

    /**
     * The file to stream. A relative path is looked up as FATE 1.11's CLI does, against the working
     * directory, and, failing that, against the conf file's directory, so a conf kept next to its data
     * works from anywhere.
     */
    static Path clientFile(String file, Path confPath) {
        if (file.isEmpty()) {
            throw new Envelope.Failure(RetCode.ARGUMENT_ERROR.code(), "required argument are missing: file");
        }
        Path asGiven = Path.of(file).toAbsolutePath().normalize();
        if (Files.isRegularFile(asGiven) || Path.of(file).isAbsolute()) {
            return requireFile(asGiven);
        }
        Path besideConf = confPath.toAbsolutePath().getParent().resolve(file).normalize();
        return Files.isRegularFile(besideConf) ? besideConf : requireFile(asGiven);
    }

    private static Path requireFile(Path file) {
        if (!Files.isRegularFile(file)) {
            // FATE's own message for this case
            throw new Envelope.Failure(RetCode.EXCEPTION_ERROR.code(), "The file is obtained from the fate flow client "
                    + "machine, but it does not exist, please check the path: " + file);
        }
        return file;
    }

    @Command(name = "download", mixinStandardHelpOptions = true,
            description = "Download a table as CSV to output_path on this machine "
                    + "(with --on-server: FATE's download job, writing inside the node's export directory).")
    int download(@Option(names = {"-c", "--conf-path"}, required = true,
                         description = "Conf: namespace, table_name, output_path, delimiter (optional).")
                 Path confPath,
                 @Option(names = "--on-server", description = "Run FATE's download job on the node instead.")
                 boolean onServer) {
        return flow.call(channel -> {
            DownloadRequest request = ConfFile.into(ConfFile.read(confPath), DownloadRequest.newBuilder(), confPath)
                    .build();
            if (onServer) {
                return DataServiceGrpc.newBlockingStub(channel).download(request);
            }
            return downloadHere(channel, request);
        });
    }

    private static FlowResponse downloadHere(ManagedChannel channel, DownloadRequest request) throws IOException {
        if (request.getOutputPath().isEmpty()) {
            throw new Envelope.Failure(RetCode.ARGUMENT_ERROR.code(), "required argument are missing: output_path");
        }
        // FATE's CLI makes output_path absolute against the working directory.
        Path target = Path.of(request.getOutputPath()).toAbsolutePath().normalize();
        if (Files.isDirectory(target)) {
            throw new Envelope.Failure(RetCode.ARGUMENT_ERROR.code(), "output_path " + target + " is a directory");
        }
        // The stream carries the header line when the table has one; table info says whether it does.
        FlowResponse info = TableServiceGrpc.newBlockingStub(channel).tableInfo(TableRequest.newBuilder()
                .setNamespace(request.getNamespace()).setTableName(request.getTableName()).build());
        boolean hasHeader = info.getData().getStructValue()
                .getFieldsOrDefault("have_head", Value.getDefaultInstance()).getBoolValue();

        Files.createDirectories(target.getParent());
        // Written beside the target, then renamed, so a failed download never leaves a truncated file.
        Path partial = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".part");
        long lines = 0;
        try {
            byte last = '\n';
            try (OutputStream out = Files.newOutputStream(partial)) {
                Iterator<DataChunk> chunks = DataServiceGrpc.newBlockingStub(channel).downloadStream(request);
                while (chunks.hasNext()) {
                    ByteString content = chunks.next().getContent();
                    content.writeTo(out);
                    for (int i = 0; i < content.size(); i++) {
                        if (content.byteAt(i) == '\n') {
                            lines++;
                        }
                    }
                    if (!content.isEmpty()) {
                        last = content.byteAt(content.size() - 1);
                    }
                }
            }
            if (last != '\n') {
                lines++; // a last line without its newline
            }
            try {
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(partial);
        }
        long rows = hasHeader && lines > 0 ? lines - 1 : lines;
        return Envelope.success("download success", Struct.newBuilder()
                .putFields("count", Envelope.number(rows))
                .putFields("namespace", Envelope.string(request.getNamespace()))
                .putFields("output_path", Envelope.string(target.toString()))
                .putFields("table_name", Envelope.string(request.getTableName()))
                .build());
    }

    @Command(name = "writer", mixinStandardHelpOptions = true,
            description = "Copy a table into a MySQL database (FATE's data writer) and register the copy.")
    int writer(@Option(names = {"-c", "--conf-path"}, required = true,
                       description = "Conf: namespace, table_name, storage_engine (MYSQL), address {host, port, db, "
                               + "user, passwd, name} or {connector_name, name}, output_namespace, output_name.")
               Path confPath) {
        return flow.call(channel -> DataServiceGrpc.newBlockingStub(channel).writer(
                ConfFile.into(ConfFile.read(confPath), WriterRequest.newBuilder(), confPath).build()));
    }

    @Command(name = "upload-history", mixinStandardHelpOptions = true,
            description = "List successful uploads whose table still exists, newest first.")
    int uploadHistory(@Option(names = {"-l", "--limit"}, defaultValue = "10",
                              description = "At most this many (default: ${DEFAULT-VALUE}).") int limit,
                      @Option(names = {"-j", "--job-id"}, description = "Only this upload job.") String jobId) {
        UploadHistoryRequest.Builder request = UploadHistoryRequest.newBuilder().setLimit(limit);
        if (jobId != null) {
            request.setJobId(jobId);
        }
        return flow.call(channel -> DataServiceGrpc.newBlockingStub(channel).uploadHistory(request.build()));
    }
}
