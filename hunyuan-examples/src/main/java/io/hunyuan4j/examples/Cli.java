package io.hunyuan4j.examples;

import ai.djl.Device;
import io.hunyuan4j.core.HunyuanException;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.offload.Offload;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.pipeline.GenerationCancelledException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;
import picocli.CommandLine;

/**
 * The {@code hunyuan4j} command line: {@code generate}, {@code golden-check} and {@code plan-memory}, parsed by one
 * picocli {@link CommandLine} so every command follows the same rules: long options as
 * {@code --name value} or {@code --name=value}, {@code --help} everywhere. Every failure ends with one line on
 * stderr naming what was wrong: exit 2 for bad usage, input or a bad model, 1 for internal errors, 130 for a
 * cancelled generation (see {@link #exitCode}).
 */
@Command(name = "hunyuan4j", sortOptions = false, sortSynopsis = false,
        optionListHeading = "%nOptions:%n",
        description = "HunyuanVideo text-to-video in Java. Run 'hunyuan4j COMMAND --help' for a command's options.",
        synopsisSubcommandLabel = "COMMAND", commandListHeading = "%nCommands:%n",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:internal error (a failed engine stage, out of memory), or a golden-check FAIL",
            "2:bad usage, bad input or a bad model (one line on stderr says which)", "130:generation cancelled"})
public final class Cli implements Callable<Integer> {

    /** Columns of the help text: wide enough that paths and URLs in it are not broken. */
    private static final int USAGE_WIDTH = 100;

    @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT,
            description = "Show this help and exit.")
    private boolean help;

    @Spec
    private CommandSpec spec;

    private Cli() {}

    /**
     * Runs one command and exits with its code (see the class notes and {@code --help}).
     *
     * @param args the command and its options; {@code --help} lists them
     */
    public static void main(String[] args) {
        io.hunyuan4j.core.runtime.Offline.ensure();
        int code = run(args, System.out, System.err);
        System.exit(code);
    }

    /** Runs one command line; results go to {@code out}, progress and errors to {@code err}. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cl = commandLine(out, err);
        try {
            return cl.execute(args);
        } catch (RuntimeException | Error e) { // an Error escapes picocli's execution handler
            return fail(e, err);
        } finally {
            cl.getOut().flush();
            cl.getErr().flush();
        }
    }

    /** The parser of every command, writing to the given streams. */
    static CommandLine commandLine(PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new Cli())
                .addSubcommand(new GenerateCommand(out, err))
                .addSubcommand(new GoldenCheckCommand(out))
                .addSubcommand(new PlanMemoryCommand(out));
        // converters are copied into the subcommands present, so they come after addSubcommand
        cl.registerConverter(Integer.class, number("an integer", Integer::valueOf));
        cl.registerConverter(int.class, number("an integer", Integer::valueOf));
        cl.registerConverter(Long.class, number("an integer", Long::valueOf));
        cl.registerConverter(long.class, number("an integer", Long::valueOf));
        cl.registerConverter(Float.class, number("a number", Float::valueOf));
        cl.registerConverter(float.class, number("a number", Float::valueOf));
        cl.registerConverter(Path.class, Cli::resolve);
        cl.registerConverter(ComputeDtype.class, parser(ComputeDtype::parse));
        cl.registerConverter(Offload.class, parser(Offload::parse));
        cl.registerConverter(Device.class, parser(ComponentOptions::parseDevice));
        return cl.setExpandAtFiles(false) // a prompt may start with '@'
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setOut(writer(out))
                .setErr(writer(err))
                .setColorScheme(Help.defaultColorScheme(Help.Ansi.OFF))
                .setUsageHelpWidth(USAGE_WIDTH)
                .setParameterExceptionHandler((e, args) -> usageError(e, err))
                .setExecutionExceptionHandler((e, c, parsed) -> fail(e, err));
    }

    /** Without a command: a usage error. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing COMMAND; expected one of " + commands(spec));
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

    /** A failure while a command ran: one line, the exit code of {@link #exitCode}. */
    private static int fail(Throwable e, PrintStream err) {
        int code = exitCode(e);
        err.println((code == 1 ? "internal error: " : "error: ") + oneLine(e));
        return code;
    }

    /** Bad usage found by the parser: one line naming the option and what it expects, then where the help is. */
    private static int usageError(ParameterException e, PrintStream err) {
        CommandSpec command = e.getCommandLine().getCommandSpec();
        String message = Objects.requireNonNullElse(e.getMessage(), "bad usage");
        if (e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String arg = u.getUnmatched().get(0);
            message = command.parent() == null ? "unknown command '" + arg + "'; expected one of " + commands(command)
                    : arg.startsWith("-") ? "unknown option '" + arg + "' for " + command.name()
                    : "unexpected argument '" + arg + "' for " + command.name();
            List<String> suggestions = u.getSuggestions();
            if (!suggestions.isEmpty()) {
                message += " (did you mean " + String.join(" or ", suggestions) + "?)";
            }
        }
        err.println("error: " + oneLine(new UsageException(message)) + "; see '" + command.qualifiedName()
                + " --help'");
        return 2;
    }

    private static String commands(CommandSpec root) {
        return String.join(", ", root.subcommands().keySet());
    }

    /** A number converter whose error names the value and what was expected. */
    private static <T> ITypeConverter<T> number(String expected, Function<String, T> parse) {
        return s -> {
            try {
                return parse.apply(s.strip());
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + s + "' is not " + expected);
            }
        };
    }

    /**
     * A converter from one of the SDK's {@code parse} methods: their {@link IllegalArgumentException} says what is
     * expected, and picocli prefixes the option's name.
     */
    private static <T> ITypeConverter<T> parser(Function<String, T> parse) {
        return s -> {
            try {
                return parse.apply(s);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        };
    }

    /** Relative paths are taken from the repository root when run through Maven (exec runs in the module). */
    static Path resolve(String p) {
        Path path = Path.of(p);
        String root = System.getProperty("hunyuan.root");
        if (!path.isAbsolute() && root != null && !root.isBlank() && !path.toFile().exists()) {
            return Path.of(root).resolve(p).normalize();
        }
        return path.toAbsolutePath().normalize();
    }

    /** picocli writes characters; they go through the stream's own encoding, as everything else printed does. */
    private static PrintWriter writer(PrintStream s) {
        return new PrintWriter(new Writer() {
            @Override
            public void write(char[] chars, int off, int len) {
                s.print(new String(chars, off, len));
            }

            @Override
            public void flush() {
                s.flush();
            }

            @Override
            public void close() {
                s.flush(); // the caller owns the stream
            }
        }, true);
    }

    /** Bad command-line input found after parsing (a value that depends on another, a missing folder). */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
