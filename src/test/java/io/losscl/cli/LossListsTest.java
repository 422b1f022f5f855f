package io.losscl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.losscl.LossEntry;
import io.losscl.LossRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, item 2: LossRegistry is the one list of losses. The CLI reads it; every other list (the
 * README's table, the protocol's table, the golden generators' calls and case builders) is checked
 * against it here, so a new loss is its own files plus one registry line, and a list left behind fails.
 */
class LossListsTest {
    private static final Pattern TABLE_ROW = Pattern.compile("^\\| `([a-z0-9_]+)` \\|", Pattern.MULTILINE);

    static Set<String> registry() {
        Set<String> names = new TreeSet<>();
        for (LossEntry<?> e : LossRegistry.all()) names.add(e.name());
        return names;
    }

    /** The loss names of the first Markdown table after {@code heading}. */
    static Set<String> table(Path file, String heading) throws IOException {
        String text = Files.readString(file);
        int at = text.indexOf("\n" + heading + "\n");
        assertTrue(at >= 0, file + " has no section '" + heading + "'");
        String section = text.substring(at + heading.length() + 2);
        int next = section.indexOf("\n## ");
        if (next >= 0) section = section.substring(0, next);
        Set<String> names = new TreeSet<>();
        Matcher m = TABLE_ROW.matcher(section);
        while (m.find()) names.add(m.group(1));
        return names;
    }

    /** The string keys of the Python dict literal {@code NAME = { ... }} (no braces inside) in {@code file}. */
    static Set<String> pythonDictKeys(Path file, String name) throws IOException {
        String text = Files.readString(file);
        int at = text.indexOf("\n" + name + " = {");
        if (at < 0) return Set.of();
        String body = text.substring(at, text.indexOf("}", at));
        Set<String> keys = new TreeSet<>();
        Matcher m = Pattern.compile("\"([a-z0-9_]+)\"\\s*:").matcher(body);
        while (m.find()) keys.add(m.group(1));
        return keys;
    }

    @Test
    void theReadmeTableListsExactlyTheRegisteredLosses() throws IOException {
        assertEquals(registry(), table(Path.of("README.md"), "## Supported losses"));
    }

    @Test
    void theProtocolTableListsEveryRegisteredLoss() throws IOException {
        // The protocol is the contract and may name a loss before this build has it (linear_cross_entropy is
        // being added): every registered loss must be there; the README's table says what this build has.
        Set<String> protocol = table(Path.of("docs/eval-protocol.md"), "## Losses and their inputs");
        Set<String> missing = new TreeSet<>(registry());
        missing.removeAll(protocol);
        assertEquals(Set.of(), missing, "registered but not in docs/eval-protocol.md");
    }

    @Test
    void theGoldenGeneratorsCallAndBuildExactlyTheRegisteredLosses() throws IOException {
        Path golden = Path.of("tools/golden");
        assertEquals(registry(), pythonDictKeys(golden.resolve("losses.py"), "LOSSES"), "tools/golden/losses.py LOSSES");
        // The case builders generate.py uses: the BUILDERS of the modules its all_builders() imports.
        String generate = Files.readString(golden.resolve("generate.py"));
        int at = generate.indexOf("def all_builders():");
        assertTrue(at >= 0, "generate.py has no all_builders()");
        String body = generate.substring(at, generate.indexOf("\n\n", at));
        Set<String> built = new TreeSet<>();
        List<Path> modules = new ArrayList<>();
        Matcher imports = Pattern.compile("^\\s+import (cases_\\w+)", Pattern.MULTILINE).matcher(body);
        while (imports.find()) modules.add(golden.resolve(imports.group(1) + ".py"));
        assertTrue(modules.size() >= 3, "imports found in all_builders(): " + modules);
        for (Path m : modules) built.addAll(pythonDictKeys(m, "BUILDERS"));
        assertEquals(registry(), built, "BUILDERS of " + modules);
    }

    @Test
    void everyRegisteredLossHasItsGoldenFixtures() {
        for (String loss : registry()) {
            assertTrue(Files.isRegularFile(Path.of("src/test/resources/golden", loss + ".jsonl")), loss);
        }
    }
}
