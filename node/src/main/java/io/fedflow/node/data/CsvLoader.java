package io.fedflow.node.data;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.core.Limits;
import io.fedflow.proto.RetCode;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Streams a delimited file into one of our row tables with PostgreSQL COPY: the first column is the key,
 * the rest joined by the delimiter is the value, as FATE stores uploaded data (with generated ids, see
 * {@link SampleIds}, the key is generated and every column is the value). Nothing is held whole in
 * memory; every malformed input (encoding, ragged rows, empty file) fails with the line it was found on.
 */
final class CsvLoader {
    private static final int PART_OF_DATA_ROWS = 100;

    /** What was loaded. {@code columns} is the header (id column first), empty without a header. */
    record Result(long count, List<String> columns, ArrayNode partOfData) {}

    private CsvLoader() {}

    static Result load(Connection conn, String qualifiedTable, InputStream file, String delimiter, boolean head,
                       SampleIds ids, Limits limits) throws SQLException, IOException {
        CSVFormat format = CSVFormat.DEFAULT.builder()
                .setDelimiter(delimiter)
                .setIgnoreEmptyLines(true)
                .setIgnoreSurroundingSpaces(false)
                .get();
        try (CopyWriter copy = new CopyWriter(conn, qualifiedTable); Reader reader = new LineLengthLimit(utf8Reader(file), limits.maxLineLength()); CSVParser parser = CSVParser.builder()
                .setReader(reader).setFormat(format).get()) {
            Iterator<CSVRecord> it = parser.iterator();
            List<String> columns = new ArrayList<>();
            int width = -1;
            if (head) {
                CSVRecord header = next(it, parser);
                if (header == null) {
                    throw FlowException.data("the file is empty");
                }
                checkWidth(header.size(), limits, "the header");
                header.forEach(c -> columns.add(c.trim()));
                width = columns.size();
                checkDelimiter(columns, delimiter);
            }
            ArrayNode partOfData = JsonNodeFactory.instance.arrayNode();
            StringBuilder value = new StringBuilder(256);
            long count = 0;
            CSVRecord rec;
            while ((rec = next(it, parser)) != null) {
                long lineNo = parser.getCurrentLineNumber();
                if (width < 0) {
                    checkWidth(rec.size(), limits, "the first line");
                    width = rec.size();
                    checkDelimiter(rec.toList(), delimiter);
                }
                if (rec.size() != width) {
                    throw FlowException.data("line " + lineNo + " has " + rec.size() + " columns, "
                            + (head ? "the header has " : "the first line has ") + width
                            + " (id_delimiter \"" + printable(delimiter) + "\")");
                }
                String key = ids.generated() ? ids.id(count) : rec.get(0);
                if (key.isEmpty()) {
                    throw FlowException.data("line " + lineNo + " has an empty id");
                }
                value.setLength(0);
                int first = ids.generated() ? 0 : 1;
                for (int i = first; i < width; i++) {
                    if (i > first) {
                        value.append(delimiter);
                    }
                    value.append(rec.get(i));
                }
                count = copy.row(key, value);
                if (count <= PART_OF_DATA_ROWS) {
                    ArrayNode row = partOfData.addArray();
                    row.add(key);
                    row.add(value.toString());
                }
            }
            if (count == 0) {
                throw FlowException.data(head ? "the file has a header line but no data rows"
                        : "the file is empty");
            }
            copy.finish();
            return new Result(count, columns, partOfData);
        }
    }

    /** The table's width is carried in every table_info and history answer: refused past the cap. */
    private static void checkWidth(int columns, Limits limits, String where) {
        if (columns > limits.maxTableColumns()) {
            throw FlowException.data(where + " has " + columns + " columns, more than the cap of "
                    + limits.maxTableColumns() + " per table (" + Limits.MAX_TABLE_COLUMNS_FLAG + ")");
        }
    }

    /** A header that is one column containing a usual delimiter means the id_delimiter is wrong. */
    private static void checkDelimiter(List<String> columns, String delimiter) {
        if (columns.size() != 1) {
            return;
        }
        for (String d : new String[] {",", "\t", ";", "|", " "}) {
            if (!d.equals(delimiter) && columns.get(0).contains(d)) {
                throw FlowException.data("the first line has a single column with id_delimiter \""
                        + printable(delimiter) + "\" but contains \"" + printable(d)
                        + "\": set id_delimiter to the file's delimiter");
            }
        }
    }

    private static CSVRecord next(Iterator<CSVRecord> it, CSVParser parser) {
        try {
            return it.hasNext() ? it.next() : null;
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof InterruptedIOException) {
                // the client stopped sending (the idle timeout): not a fault of the file
                throw new FlowException(RetCode.OPERATING_ERROR, FailureKind.ABORTED,
                        "the upload stopped near line " + (parser.getCurrentLineNumber() + 1) + ": "
                        + e.getCause().getMessage(), e.getCause());
            }
            if (e.getCause() instanceof CharacterCodingException) {
                throw FlowException.data("the file is not valid UTF-8 (near line "
                        + (parser.getCurrentLineNumber() + 1) + ")");
            }
            throw FlowException.data("cannot parse the file near line " + (parser.getCurrentLineNumber() + 1)
                    + ": " + e.getCause().getMessage());
        } catch (IllegalStateException e) {
            throw FlowException.data("cannot parse the file near line " + (parser.getCurrentLineNumber() + 1)
                    + ": " + e.getMessage());
        }
    }

    private static Reader utf8Reader(InputStream file) throws IOException {
        InputStream in = new BufferedInputStream(file, 1 << 16);
        in.mark(3);
        byte[] bom = in.readNBytes(3);
        if (!(bom.length == 3 && (bom[0] & 0xff) == 0xEF && (bom[1] & 0xff) == 0xBB && (bom[2] & 0xff) == 0xBF)) {
            in.reset();
        }
        return new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT));
    }

    static String printable(String delimiter) {
        return delimiter.replace("\t", "\\t");
    }
}
