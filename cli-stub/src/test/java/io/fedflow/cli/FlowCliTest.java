package io.fedflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fedflow.node.testing.NodeExtension;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code flow} CLI run in-process against a real node. */
class FlowCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();
    private static String server;

    @TempDir
    Path dir;

    @BeforeAll
    static void startNode() {
        server = "127.0.0.1:" + node.httpPort();
    }

    /** One CLI invocation: exit code, stdout parsed as the envelope, stderr. */
    private static CliRun flow(String... args) {
        return CliRun.flow(server, args);
    }

    /** A breast_hetero_guest-like CSV with a header and {@code rows} rows, CRLF line ends as files from Windows have. */
    private static List<String> writeCsv(Path file, int rows) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("id,y,x0,x1,x2");
        for (int i = 0; i < rows; i++) {
            lines.add(String.format(Locale.ROOT, "%d,%d,%.6f,%.6f,%.6f", i, i % 2, i * 0.5, -i / 3.0, i * 1.25));
        }
        Files.writeString(file, String.join("\r\n", lines) + "\r\n");
        return lines;
    }

    private Path uploadConf(String table, String file) throws IOException {
        Path conf = dir.resolve("upload_" + table + ".json");
        // head as a string and partition as an int: FATE's confs mix both.
        Files.writeString(conf, """
                {"file": "%s", "id_delimiter": ",", "head": "1", "partition": 4,
                 "namespace": "experiment", "table_name": "%s", "work_mode": 0}
                """.formatted(file, table));
        return conf;
    }

    @Test
    void uploadInfoDownloadReuploadHistoryDelete() throws IOException {
        List<String> lines = writeCsv(dir.resolve("guest.csv"), 50);
        // A relative file is found beside the conf (the test's working directory has no guest.csv).
        Path conf = uploadConf("cli_guest", "guest.csv");

        CliRun upload = flow("data", "upload", "-c", conf.toString(), "--verbose");
        assertThat(upload.retcode()).as(upload.out().toString()).isZero();
        assertThat(upload.exit()).isZero();
        String firstJob = upload.out().path("jobId").asText();
        assertThat(firstJob).isNotEmpty();
        assertThat(upload.out().path("data").path("table_name").asText()).isEqualTo("cli_guest");
        assertThat(upload.err()).contains("UPLOADING").contains("100%");

        CliRun info = flow("table", "info", "-t", "cli_guest", "-n", "experiment");
        assertThat(info.exit()).isZero();
        assertThat(info.out().path("data").path("exist").asInt()).isEqualTo(1);
        assertThat(info.out().path("data").path("count").asLong()).isEqualTo(50);

        Path target = dir.resolve("out/nested/guest_download.csv");
        Path downloadConf = dir.resolve("download.json");
        Files.writeString(downloadConf, """
                {"namespace": "experiment", "table_name": "cli_guest", "output_path": "%s"}
                """.formatted(target));
        CliRun download = flow("data", "download", "-c", downloadConf.toString());
        assertThat(download.exit()).as(download.out().toString()).isZero();
        assertThat(download.out().path("retmsg").asText()).isEqualTo("download success");
        assertThat(download.out().path("data").path("count").asLong()).isEqualTo(50);
        assertThat(download.out().path("data").path("output_path").asText()).isEqualTo(target.toString());
        assertThat(Files.readAllLines(target, StandardCharsets.UTF_8)).isEqualTo(lines);
        try (Stream<Path> left = Files.list(target.getParent())) {
            assertThat(left).as("no partial file left behind").containsExactly(target);
        }

        CliRun again = flow("data", "upload", "-c", conf.toString());
        assertThat(again.retcode()).isEqualTo(100);
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.out().path("retmsg").asText()).contains("already exists");

        CliRun dropped = flow("data", "upload", "-c", conf.toString(), "--drop");
        assertThat(dropped.exit()).as(dropped.out().toString()).isZero();
        String secondJob = dropped.out().path("jobId").asText();
        assertThat(secondJob).isNotEmpty().isNotEqualTo(firstJob);
        assertThat(dropped.err()).as("no progress bar without --verbose off a terminal").isEmpty();

        CliRun history = flow("data", "upload-history", "--limit", "1");
        assertThat(history.exit()).isZero();
        assertThat(history.out().path("data")).hasSize(1);
        JsonNode entry = history.out().path("data").get(0).path(secondJob);
        assertThat(entry.path("upload_info").path("table_name").asText()).isEqualTo("cli_guest");
        assertThat(entry.path("upload_info").path("upload_count").asLong()).isEqualTo(50);

        CliRun job = flow("job", "query", "-j", secondJob, "-r", "local", "-p", "0");
        assertThat(job.exit()).isZero();
        assertThat(job.out().path("data")).hasSize(1);
        JsonNode record = job.out().path("data").get(0);
        assertThat(record.path("f_job_id").asText()).isEqualTo(secondJob);
        assertThat(record.path("f_status").asText()).isEqualTo("success");
        assertThat(record.has("f_runtime_conf")).as("dropped before printing, as FATE's CLI does").isFalse();
        assertThat(record.has("f_dsl")).isFalse();

        CliRun delete = flow("table", "delete", "-t", "cli_guest", "-n", "experiment");
        assertThat(delete.exit()).as(delete.out().toString()).isZero();
        CliRun gone = flow("table", "info", "-t", "cli_guest", "-n", "experiment");
        assertThat(gone.exit()).isZero();
        assertThat(gone.out().path("data").path("exist").asInt()).isZero();
    }

    @Test
    void aFileOfManyChunksStreamsBothWays() throws IOException {
        // Over 10 MiB: a dozen 1 MiB upload messages, and past Armeria's default request cap.
        Path csv = dir.resolve("big.csv");
        int rows = 0;
        long bytes = 0;
        try (var w = Files.newBufferedWriter(csv, StandardCharsets.US_ASCII)) {
            String header = "id,y,x0,x1,x2,x3,x4,x5,x6,x7\n";
            w.write(header);
            bytes += header.length();
            while (bytes < 11 * 1024 * 1024) {
                String line = String.format(Locale.ROOT, "%d,%d,%.9f,%.9f,%.9f,%.9f,%.9f,%.9f,%.9f,%.9f\n", rows,
                        rows % 2, rows * 0.1, rows * 0.2, rows * 0.3, rows * 0.4, rows * 0.5, rows * 0.6, rows * 0.7,
                        rows * 0.8);
                w.write(line);
                bytes += line.length();
                rows++;
            }
        }
        CliRun upload = flow("data", "upload", "-c", uploadConf("cli_big", csv.toString()).toString());
        assertThat(upload.exit()).as(upload.out().toString()).isZero();
        assertThat(flow("table", "info", "-t", "cli_big", "-n", "experiment").out().path("data").path("count")
                .asLong()).isEqualTo(rows);

        Path target = dir.resolve("big_download.csv");
        Path conf = dir.resolve("download_big.json");
        Files.writeString(conf, """
                {"namespace": "experiment", "table_name": "cli_big", "output_path": "%s"}
                """.formatted(target));
        CliRun download = flow("data", "download", "-c", conf.toString());
        assertThat(download.exit()).as(download.out().toString()).isZero();
        assertThat(download.out().path("data").path("count").asLong()).isEqualTo(rows);
        assertThat(Files.mismatch(csv, target)).as("byte-identical round trip").isEqualTo(-1L);
    }

    @Test
    void verboseUploadOffATerminalShowsProgressAsLinesEndingAtTheWholeFile() throws IOException {
        Path csv = dir.resolve("verbose.csv");
        writeCsv(csv, 200);
        long kib = Files.size(csv) / 1024;
        CliRun upload = flow("data", "upload", "-c", uploadConf("cli_verbose", csv.toString()).toString(),
                "--verbose");
        assertThat(upload.exit()).as(upload.out().toString()).isZero();
        assertThat(upload.err()).as("a log gets lines, not carriage returns").doesNotContain("\r");
        List<String> lines = upload.err().lines().toList();
        assertThat(lines).isNotEmpty().allSatisfy(line -> assertThat(line).startsWith("UPLOADING"));
        assertThat(lines.get(lines.size() - 1)).contains("100%").contains(kib + "/" + kib + " KB");
    }

    @Test
    void uploadLocalReadsTheNodesImportDirectoryAndDownloadOnServerWritesItsExportDirectory() throws IOException {
        Path importDir = node.config().importDir();
        Files.createDirectories(importDir);
        List<String> lines = writeCsv(importDir.resolve("local_guest.csv"), 20);
        Path conf = dir.resolve("upload_local.json");
        Files.writeString(conf, """
                {"file": "local_guest.csv", "id_delimiter": ",", "head": 1, "partition": "2",
                 "namespace": "experiment", "table_name": "cli_local", "use_local_data": 0}
                """);
        CliRun upload = flow("data", "upload", "-c", conf.toString());
        assertThat(upload.exit()).as(upload.out().toString()).isZero();
        assertThat(upload.out().path("jobId").asText()).isNotEmpty();
        assertThat(flow("table", "info", "-t", "cli_local", "-n", "experiment").out().path("data").path("count")
                .asLong()).isEqualTo(20);

        Path downloadConf = dir.resolve("download_on_server.json");
        Files.writeString(downloadConf, """
                {"namespace": "experiment", "table_name": "cli_local", "output_path": "cli/local_guest.csv"}
                """);
        CliRun download = flow("data", "download", "-c", downloadConf.toString(), "--on-server");
        assertThat(download.exit()).as(download.out().toString()).isZero();
        assertThat(download.out().path("jobId").asText()).isNotEmpty();
        Path written = node.config().exportDir().resolve("cli/local_guest.csv");
        assertThat(Files.readAllLines(written, StandardCharsets.UTF_8)).isEqualTo(lines);
    }

    @Test
    void missingDataFileFailsOnTheClientWithFatesMessage() throws IOException {
        Path conf = uploadConf("cli_missing", "no/such/file.csv");
        CliRun run = flow("data", "upload", "-c", conf.toString());
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.retcode()).isEqualTo(100);
        assertThat(run.out().path("retmsg").asText()).contains("does not exist").contains("no/such/file.csv");
        assertThat(flow("table", "info", "-t", "cli_missing", "-n", "experiment").out().path("data").path("exist")
                .asInt()).isZero();
    }

    @Test
    void serverErrorsKeepTheNodesRetcode() {
        // Unknown table: the node answers with a gRPC status whose fate-retcode trailer the CLI prints.
        CliRun run = flow("table", "tracking-source", "-t", "no_such_table", "-n", "experiment");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.retcode()).isEqualTo(100);
        assertThat(run.out().path("retmsg").asText()).contains("does not exist");
    }

    @Test
    void aServerThatIsNotListeningIsAConnectionError() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new FlowCli());
        cli.setOut(new PrintWriter(out, true));
        int exit = cli.execute("--server", "127.0.0.1:" + port, "table", "info", "-t", "t", "-n", "n");
        JsonNode envelope = JSON.readTree(out.toString());
        assertThat(exit).isEqualTo(1);
        assertThat(envelope.path("retcode").asInt()).isEqualTo(105);
        assertThat(envelope.path("retmsg").asText()).contains("127.0.0.1:" + port);
    }
}
