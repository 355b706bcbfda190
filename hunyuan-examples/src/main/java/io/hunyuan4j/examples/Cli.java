package io.hunyuan4j.examples;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The {@code hunyuan4j} command line: {@code golden-check}, and the other subcommands registered below.
 * Bad input ends with a one-line message on stderr and a non-zero exit.
 */
public final class Cli {

    /** A subcommand: takes its arguments, returns the exit code. */
    interface Command extends Function<String[], Integer> { }

    private Cli() {}

    public static void main(String[] args) {
        io.hunyuan4j.core.runtime.Offline.ensure();
        int code = run(args, System.out, System.err);
        System.exit(code);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, Command> commands = new TreeMap<>();
        commands.put("golden-check", a -> GoldenCheckCommand.run(a, out, err));
        commands.put("plan-memory", a -> PlanMemoryCommand.run(a, out, err));
        commands.put("generate", a -> GenerateCommand.run(a, out, err));
        if (args.length == 0 || !commands.containsKey(args[0])) {
            err.println("usage: hunyuan4j <" + String.join("|", commands.keySet()) + "> [options]"
                    + (args.length == 0 ? "" : " (unknown command '" + args[0] + "')"));
            return 2;
        }
        try {
            return commands.get(args[0]).apply(Arrays.copyOfRange(args, 1, args.length));
        } catch (UsageException e) {
            err.println("error: " + e.getMessage());
            return 2;
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
    }

    /** Bad command-line input. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
