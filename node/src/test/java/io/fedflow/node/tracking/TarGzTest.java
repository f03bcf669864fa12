package io.fedflow.node.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedflow.node.testing.TarReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** The tar.gz writer behind the log and output data downloads, read back as FATE's client reads it. */
class TarGzTest {

    @Provide
    Arbitrary<String> names() {
        // '/'-separated, up to ~500 bytes of UTF-8: past ustar's 100-byte name and 155-byte prefix fields
        Arbitrary<String> segment = Arbitraries.strings().alpha().numeric().withChars("_-.")
                .withCharRange('\u4e00', '\u4e2f').ofMinLength(1).ofMaxLength(80)
                .filter(s -> !s.equals(".") && !s.equals(".."));
        return segment.list().ofMinSize(1).ofMaxSize(6).map(l -> String.join("/", l));
    }

    @Property(tries = 300)
    void everyNameAndContentComesBackWhole(@ForAll("names") String name,
                                           @ForAll byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarGz tar = new TarGz(out)) {
            tar.entry(name, content, 1_700_000_000L);
            tar.entry(name + ".meta", new byte[] {'{', '}'}, 1_700_000_000L);
        }
        Map<String, byte[]> entries = TarReader.read(out.toByteArray());
        assertThat(entries.keySet()).containsExactly(name, name + ".meta");
        assertThat(entries.get(name)).isEqualTo(content);
    }

    @Example
    void aLongNameWithoutSlashKeepsItsFullName() throws IOException {
        String name = "x".repeat(300) + ".csv";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarGz tar = new TarGz(out)) {
            tar.entry(name, "a,b\n".getBytes(StandardCharsets.UTF_8), 0);
        }
        assertThat(TarReader.read(out.toByteArray())).containsOnlyKeys(name);
    }

    @Example
    void aFileIsCopiedWithTheSizeItHadWhenItsEntryStarted() throws IOException {
        Path file = Files.createTempFile("targz", ".log");
        try {
            Files.writeString(file, "one\ntwo\n");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (TarGz tar = new TarGz(out)) {
                tar.entry("cut.log", file, 4, 0);
                tar.entry("shrank.log", file, 12, 0);
            }
            Map<String, byte[]> entries = TarReader.read(out.toByteArray());
            assertThat(new String(entries.get("cut.log"), StandardCharsets.UTF_8)).isEqualTo("one\n");
            byte[] padded = Arrays.copyOf("one\ntwo\n".getBytes(StandardCharsets.UTF_8), 12);
            assertThat(entries.get("shrank.log")).isEqualTo(padded);
        } finally {
            Files.delete(file);
        }
    }

    @Example
    void entriesAreFilesWithTheGivenTimeNoOwnerAndTheCallersStreamStaysOpen() throws IOException {
        boolean[] closed = {false};
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FilterOutputStream out = new FilterOutputStream(bytes) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        try (TarGz tar = new TarGz(out)) {
            tar.entry("job/INFO.log", new byte[] {1, 2, 3}, 1_700_000_123L);
        }
        assertThat(closed[0]).isFalse();

        TarArchiveInputStream in = new TarArchiveInputStream(new GZIPInputStream(
                new ByteArrayInputStream(bytes.toByteArray())), StandardCharsets.UTF_8.name());
        TarArchiveEntry e = in.getNextEntry();
        assertThat(List.of(e.getName(), e.isFile(), e.getSize(), e.getMode(), e.getModTime().getTime() / 1000,
                e.getUserName(), e.getGroupName()))
                .containsExactly("job/INFO.log", true, 3L, 0644, 1_700_000_123L, "", "");
        assertThat(in.getNextEntry()).isNull();
    }
}
