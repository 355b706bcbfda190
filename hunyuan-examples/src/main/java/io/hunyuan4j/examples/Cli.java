package io.hunyuan4j.examples;

import io.hunyuan4j.core.HunyuanException;
import io.hunyuan4j.core.pipeline.GenerationCancelledException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The {@code hunyuan4j} command line: {@code golden-check}, and the other subcommands registered below.
 * Every failure ends with one line on stderr naming what was wrong: exit 2 for bad input or a bad model, 1 for
 * internal errors, 130 for a cancelled generation (see {@link #exitCode}).
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
        } catch (RuntimeException | Error e) {
            int code = exitCode(e);
            err.println((code == 1 ? "internal error: " : "error: ") + oneLine(e));
            return code;
        }
    }

    /**
     * 2 for bad input or a bad model: usage, invalid values, a malformed or mismatched model (every SDK exception
     * but the engine's own), unreadable or unwritable files; 130 for a cancelled generation; 1 for everything
     * else, the internal errors (a failed engine stage, out of memory, a bug).
     */
    static int exitCode(Throwable e) {
        if (e instanceof GenerationCancelledException) {
            return 130;
        }
        if (e instanceof HunyuanException) {
            // the root class itself is a failed engine stage; its subclasses are all about the input or model
            return e.getClass() == HunyuanException.class ? 1 : 2;
        }
        return e instanceof UsageException || e instanceof IllegalArgumentException
                || e instanceof UncheckedIOException ? 2 : 1;
    }

    /** The message on one line; a cause's message is added when the message does not already hold it. */
    static String oneLine(Throwable e) {
        String m;
        if (e.getMessage() == null || e.getMessage().isBlank()) {
            m = e.getClass().getSimpleName();
        } else if (e instanceof Error || (e.getClass().getName().startsWith("java.lang.")
                && !(e instanceof IllegalArgumentException))) {
            m = e.getClass().getSimpleName() + ": " + e.getMessage(); // the JDK's messages need their type
        } else {
            m = e.getMessage();
        }
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && !m.contains(cause.getMessage())) {
            m += " (" + cause.getClass().getSimpleName() + ": " + cause.getMessage() + ")";
        }
        return m.replaceAll("\\s*\\R\\s*", " ").strip();
    }

    /** Bad command-line input. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
