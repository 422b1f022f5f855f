package io.losscl.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads eval cases one at a time, so that memory is bounded by the largest case, not the input
 * (docs/eval-protocol.md, "Invocation"). The first character decides the framing:
 * <ul>
 *   <li>{@code [}: a JSON array, streamed element by element;</li>
 *   <li>{@code {}: JSON Lines when the first line is a whole JSON value (a bad line is that case's
 *       {@code parse_error}, the next line is read on); otherwise JSON objects one after another,
 *       each over several lines (one pretty-printed object is the usual one);</li>
 *   <li>anything else: not JSON ({@link NotJsonException}).</li>
 * </ul>
 * A duplicate key is that case's parse error in every framing. A syntax error inside a streamed
 * array or a multi-line object leaves no place to resume: {@link #next} throws {@link BrokenInputException}.
 */
final class CaseReader implements AutoCloseable {
    /** The input as a whole is not JSON: exit status 2. */
    static final class NotJsonException extends Exception {
        private static final long serialVersionUID = 1L;

        NotJsonException(String message) { super(message); }
    }

    /** The input breaks off where reading cannot resume (the cases before it were answered): exit status 2. */
    static final class BrokenInputException extends Exception {
        private static final long serialVersionUID = 1L;

        BrokenInputException(String message) { super(message); }
    }

    /** One case, or why the case at that place could not be read ({@code error} is then a parse_error message). */
    record Item(JsonNode json, String error) {}

    private enum Framing { LINES, ARRAY, VALUES }

    private static final Pattern SOURCE = Pattern.compile("\\[Source: [^\\]]*?line: (\\d+), column: (\\d+)\\]");
    private static final Pattern DUPLICATE = Pattern.compile("^Duplicate field '(.*)' for `ObjectNode`");

    private final BufferedReader in;
    private final String source;
    private Framing framing;
    private int lineNumber; // LINES: the number of the last line read; else the line the parser starts on, minus 1
    private JsonParser parser;
    private JsonStreamContext caseLevel; // the parser context in which each case is one value
    private Item pending;
    private boolean done;

    /** @param source the input's name in messages ({@code standard input} or the file name) */
    CaseReader(Reader in, String source) throws IOException, NotJsonException {
        this.in = in instanceof BufferedReader ? (BufferedReader) in : new BufferedReader(in, 1 << 16);
        this.source = source;
        start();
    }

    private void start() throws IOException, NotJsonException {
        in.mark(1);
        int c = in.read();
        if (c != '\uFEFF') in.reset(); // a UTF-8 byte order mark is allowed and skipped
        while (true) {
            in.mark(1);
            c = in.read();
            if (c == '\n') lineNumber++;
            else if (c != ' ' && c != '\t' && c != '\r') break;
        }
        if (c < 0) {
            done = true;
            return;
        }
        in.reset();
        if (c == '[') {
            framing = Framing.ARRAY;
            parser = EvalCommand.JSON.createParser(in);
            parser.nextToken();
            caseLevel = parser.getParsingContext();
        } else if (c == '{') {
            String first = in.readLine();
            lineNumber++;
            try {
                pending = new Item(EvalCommand.JSON.readTree(first), null);
                framing = Framing.LINES;
            } catch (JsonEOFException incomplete) {
                framing = Framing.VALUES;
                lineNumber--;
                parser = EvalCommand.JSON.createParser(new PrefixedReader(first + "\n", in));
                caseLevel = parser.getParsingContext();
            } catch (JsonProcessingException e) {
                framing = Framing.LINES;
                pending = new Item(null, where(lineNumber, column(e)) + message(e));
            }
        } else {
            throw new NotJsonException(source + " is not JSON: line " + (lineNumber + 1) + " starts with '"
                    + new String(Character.toChars(c)) + "' (expected one case {...}, an array [...] or JSON Lines)");
        }
    }

    /** The next case, or {@code null} at the end of the input. */
    Item next() throws IOException, BrokenInputException {
        if (pending != null) {
            Item p = pending;
            pending = null;
            return p;
        }
        if (done) return null;
        return framing == Framing.LINES ? nextLine() : nextValue();
    }

    private Item nextLine() throws IOException {
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                done = true;
                return null;
            }
            lineNumber++;
        } while (line.isBlank());
        try {
            return new Item(EvalCommand.JSON.readTree(line), null);
        } catch (JsonProcessingException e) {
            return new Item(null, where(lineNumber, column(e)) + message(e));
        }
    }

    private Item nextValue() throws IOException, BrokenInputException {
        try {
            JsonToken t = parser.nextToken();
            if (framing == Framing.ARRAY && t == JsonToken.END_ARRAY) {
                if (parser.nextToken() != null) throw broken(parser.currentTokenLocation(), "there is more after the closing ']' of the array");
                done = true;
                return null;
            }
            if (t == null) {
                if (framing == Framing.ARRAY) throw broken(parser.currentLocation(), "the array is not closed with ']'");
                done = true;
                return null;
            }
        } catch (JsonProcessingException e) {
            throw broken(e.getLocation(), message(e));
        }
        try {
            return new Item(EvalCommand.IN_STREAM.readTree(parser), null);
        } catch (JsonProcessingException e) {
            if (!DUPLICATE.matcher(e.getOriginalMessage()).find()) throw broken(e.getLocation(), message(e));
            // The tree reader stops right after the duplicate's value: skip the rest of this case.
            JsonLocation at = e.getLocation() != null ? e.getLocation() : parser.currentLocation();
            try {
                while (parser.getParsingContext() != caseLevel && parser.nextToken() != null) { /* skip */ }
            } catch (JsonProcessingException later) {
                throw broken(later.getLocation(), message(later));
            }
            return new Item(null, where(lineNumber + at.getLineNr(), at.getColumnNr()) + message(e));
        }
    }

    private static int column(JsonProcessingException e) {
        return e.getLocation() == null ? -1 : e.getLocation().getColumnNr();
    }

    private BrokenInputException broken(JsonLocation at, String why) {
        done = true;
        if (at == null) at = parser.currentLocation();
        return new BrokenInputException(where(lineNumber + at.getLineNr(), at.getColumnNr()) + why
                + "; reading stops here (the cases before were answered)");
    }

    private String where(int line, int column) {
        return source + " line " + line + (column > 0 ? ", column " + column : "") + ": ";
    }

    /** Jackson's message, with a duplicate key said plainly. */
    static String message(JsonProcessingException e) {
        String m = SOURCE.matcher(e.getOriginalMessage()).replaceAll("line $1, column $2");
        Matcher d = DUPLICATE.matcher(m);
        if (d.find()) return "duplicate key '" + d.group(1) + "' (strict JSON: each key at most once per object)";
        if (e instanceof JsonEOFException) return "the JSON value is cut short (" + m + ")";
        return m;
    }

    /** {@code prefix}, then the rest of {@code rest}: the first line, already read, put back in front. */
    private static final class PrefixedReader extends Reader {
        private final String prefix;
        private final Reader rest;
        private int at;

        PrefixedReader(String prefix, Reader rest) {
            this.prefix = prefix;
            this.rest = rest;
        }

        @Override
        public int read(char[] buf, int off, int len) throws IOException {
            if (at == prefix.length()) return rest.read(buf, off, len);
            int n = Math.min(len, prefix.length() - at);
            prefix.getChars(at, at + n, buf, off);
            at += n;
            return n;
        }

        @Override
        public void close() throws IOException { rest.close(); }
    }

    @Override
    public void close() throws IOException {
        if (parser != null) parser.close();
        in.close();
    }
}
