package io.hunyuan4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** {@code --help} everywhere, and the top level's usage errors. */
class CliHelpTest {

    /** The options README.md and docs/*.md document, per command. */
    private static final Map<String, Set<String>> DOCUMENTED = Map.of(
            "generate", Set.of("--prompt", "--negative-prompt", "--videos-per-prompt", "--model", "--height",
                    "--width", "--frames", "--steps", "--guidance", "--true-cfg", "--shift", "--seed", "--fps",
                    "--scheduler", "--dtype", "--offload", "--rewrite", "--rewrite-endpoint", "--rewrite-model",
                    "--image", "--out"),
            "golden-check", Set.of("--compute-dtype"),
            "plan-memory", Set.of("--manifests", "--budget", "--offload", "--height", "--width", "--frames",
                    "--dtype"));

    private static CliRun cli(String... args) {
        return CliRun.of(args);
    }

    private static CommandLine parser() {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        return Cli.commandLine(sink, sink);
    }

    @Test
    void everyDocumentedCommandAndOptionIsThere() {
        Map<String, CommandLine> commands = parser().getSubcommands();
        assertEquals(DOCUMENTED.keySet(), commands.keySet());
        for (var e : DOCUMENTED.entrySet()) {
            Set<String> names = new TreeSet<>();
            for (OptionSpec o : commands.get(e.getKey()).getCommandSpec().options()) {
                names.addAll(List.of(o.names()));
            }
            assertTrue(names.containsAll(e.getValue()), e.getKey() + " has " + names + ", documented " + e.getValue());
        }
    }

    @Test
    void helpOfTheTopLevelListsTheCommandsAndExitCodes() {
        for (String flag : List.of("--help", "-h")) {
            CliRun r = cli(flag);
            assertEquals(0, r.code(), r.err());
            assertEquals("", r.err());
            assertTrue(r.out().startsWith("Usage: hunyuan4j [-h] COMMAND"), r.out());
            for (String command : DOCUMENTED.keySet()) {
                assertTrue(r.out().contains("\n  " + command + " "), command + " missing in " + r.out());
            }
            for (String code : List.of("0", "1", "2", "130")) {
                assertTrue(r.out().lines().anyMatch(l -> l.strip().startsWith(code + " ")),
                        "exit code " + code + " missing in " + r.out());
            }
        }
    }

    /** Each command's help names every one of its options, on stdout, with exit 0. */
    @Test
    void helpOfEveryCommandNamesEveryOption() {
        for (var command : parser().getSubcommands().entrySet()) {
            for (String flag : List.of("--help", "-h")) {
                CliRun r = cli(command.getKey(), flag);
                assertEquals(0, r.code(), command.getKey() + " " + flag + ": " + r.err());
                assertEquals("", r.err(), command.getKey());
                assertTrue(r.out().startsWith("Usage: hunyuan4j " + command.getKey() + " "), r.out());
                for (OptionSpec o : command.getValue().getCommandSpec().options()) {
                    assertTrue(r.out().contains(o.longestName()), o.longestName() + " missing in " + r.out());
                }
            }
        }
        // help wins over missing required options, and says how several videos are named
        CliRun generate = cli("generate", "--prompt", "a", "--help");
        assertEquals(0, generate.code(), generate.err());
        assertTrue(generate.out().contains("--out cat.mp4 writes cat-0.mp4, cat-1.mp4"), generate.out());
    }

    @Test
    void aMissingOrUnknownCommandIsAUsageError() {
        CliRun none = cli();
        assertEquals(2, none.code());
        assertEquals("error: missing COMMAND; expected one of generate, golden-check, plan-memory; see 'hunyuan4j"
                + " --help'", none.err().strip());
        CliRun typo = cli("generat", "--prompt", "a");
        assertEquals(2, typo.code());
        assertTrue(typo.err().startsWith("error: unknown command 'generat'"), typo.err());
        assertTrue(typo.err().contains("did you mean generate"), typo.err());
        assertEquals(1, typo.err().strip().lines().count(), "one line: " + typo.err());
        assertEquals("", typo.out());
    }
}
