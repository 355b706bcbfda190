package io.hunyuan4j.examples.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.RandomWeights;
import io.hunyuan4j.vae.AutoencoderKLHunyuanVideo;
import io.hunyuan4j.vae.VaeConfig;
import io.hunyuan4j.vae.VaeTiling;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Decode benchmark of the real-size HunyuanVideo VAE (released config, seeded random weights generated in memory):
 * tiled decode of latents with 9, 17 and 33 latent frames (33, 65, 129 video frames), recording the time per
 * video frame and the process's peak RSS ({@code VmHWM} of {@code /proc/self/status}). Each size runs in a fresh
 * JVM so every peak belongs to one size alone.
 *
 * <pre>
 * java -cp ... io.hunyuan4j.examples.bench.VaeDecodeBenchmark [--frames 9,17,33] [--height 90] [--width 160]
 *     [--dtype fp32|bf16] [--tiling spatial|framewise|none] [--seed 42] [--in-process]
 * </pre>
 *
 * <p>{@code --height/--width} are latent sizes (x8 for the video); {@code spatial} is {@code enable_tiling()}
 * (256 px tiles, stride 192, plus frame-wise 16/12), {@code framewise} diffusers' default, {@code none} one pass.
 */
public final class VaeDecodeBenchmark {

    private VaeDecodeBenchmark() {}

    /** Options of one run. */
    private record Options(List<Integer> frames, int height, int width, ComputeDtype dtype, String tiling, long seed,
            boolean inProcess) { }

    /**
     * Runs each size in a fresh JVM and prints one line per size.
     *
     * @param args the options of the class notes
     * @throws Exception if a run fails
     */
    public static void main(String[] args) throws Exception {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (!o.inProcess() && o.frames().size() > 1) {
            System.out.println(header());
            for (int f : o.frames()) {
                System.out.println(fork(args, f));
            }
            return;
        }
        if (o.frames().size() == 1) {
            System.out.println(header());
        }
        for (int f : o.frames()) {
            try {
                System.out.println(runOne(o, f));
            } catch (UnsupportedOperationException e) {
                System.err.println("error: " + e.getMessage());
                System.exit(2);
            }
        }
    }

    private static String header() {
        return "| latent frames | video frames | latent HxW | video HxW | dtype | tiling | weights s | decode s"
                + " | s / video frame | RSS after weights MiB | peak RSS (VmHWM) MiB |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|";
    }

    private static String runOne(Options o, int latentFrames) throws IOException {
        VaeConfig config = VaeConfig.defaults();
        VaeTiling tiling = switch (o.tiling()) {
            case "spatial" -> VaeTiling.enableTiling();
            case "framewise" -> VaeTiling.defaults();
            default -> VaeTiling.none();
        };
        // LAZY: only the decoder's weights are ever generated; a warm-up decode materialises them
        ComponentOptions options = new ComponentOptions(Device.cpu(), o.dtype(), LoadMode.LAZY);
        long t0 = System.nanoTime();
        try (AutoencoderKLHunyuanVideo vae = AutoencoderKLHunyuanVideo.fromWeights(config,
                new RandomWeights(AutoencoderKLHunyuanVideo.parameterShapes(config), o.seed()), options, tiling);
                NDManager manager = NDManager.newBaseManager()) {
            try (NDManager warm = manager.newSubManager()) {
                vae.decode(warm.zeros(new Shape(1, config.latentChannels(), 1, 2, 2)));
            }
            double weightsSeconds = (System.nanoTime() - t0) / 1e9;
            long rssAfterWeights = status("VmRSS");
            float[] noise = new float[Math.toIntExact((long) config.latentChannels() * latentFrames * o.height()
                    * o.width())];
            SplittableRandom random = new SplittableRandom(o.seed() + latentFrames);
            for (int i = 0; i < noise.length; i++) {
                noise[i] = (float) random.nextGaussian();
            }
            NDArray latents = manager.create(noise,
                    new Shape(1, config.latentChannels(), latentFrames, o.height(), o.width()));
            long t1 = System.nanoTime();
            NDArray video = vae.decode(latents);
            double decodeSeconds = (System.nanoTime() - t1) / 1e9;
            long videoFrames = video.getShape().get(2);
            if (!Float.isFinite(video.abs().max().getFloat())) {
                throw new IllegalStateException("decoded video has non-finite values");
            }
            return String.format(Locale.ROOT, "| %d | %d | %dx%d | %dx%d | %s | %s | %.1f | %.1f | %.3f | %d | %d |",
                    latentFrames, videoFrames, o.height(), o.width(), video.getShape().get(3), video.getShape().get(4),
                    o.dtype(), o.tiling(), weightsSeconds, decodeSeconds, decodeSeconds / videoFrames,
                    rssAfterWeights / 1024, status("VmHWM") / 1024);
        }
    }

    /** Runs one size in a fresh JVM (same class path and JVM options) and returns its table row. */
    private static String fork(String[] args, int frames) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(VaeDecodeBenchmark.class.getName());
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--frames")) {
                i++;
            } else {
                cmd.add(args[i]);
            }
        }
        cmd.add("--frames");
        cmd.add(Integer.toString(frames));
        cmd.add("--in-process");
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String row = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("| ") && Character.isDigit(line.charAt(2))) {
                    row = line;
                }
            }
        }
        int code = p.waitFor();
        if (code != 0 || row == null) {
            return "| " + frames + " | failed (exit " + code + ") |";
        }
        return row;
    }

    /** A {@code /proc/self/status} field in KiB (Linux). */
    private static long status(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException(field + " not in /proc/self/status (Linux only)");
    }

    private static Options parse(String[] args) {
        List<Integer> frames = List.of(9, 17, 33);
        int height = 90;
        int width = 160;
        ComputeDtype dtype = ComputeDtype.FLOAT32;
        String tiling = "spatial";
        long seed = 42;
        boolean inProcess = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--in-process")) {
                inProcess = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--frames" -> frames = parseFrames(v);
                case "--height" -> height = positive(a, v);
                case "--width" -> width = positive(a, v);
                case "--dtype" -> dtype = ComputeDtype.parse(v);
                case "--tiling" -> {
                    if (!List.of("spatial", "framewise", "none").contains(v)) {
                        throw new IllegalArgumentException("--tiling " + v + ": expected spatial, framewise or none");
                    }
                    tiling = v;
                }
                case "--seed" -> seed = Long.parseLong(v);
                default -> throw new IllegalArgumentException("unknown option " + a
                        + "; expected --frames --height --width --dtype --tiling --seed --in-process");
            }
        }
        return new Options(frames, height, width, dtype, tiling, seed, inProcess);
    }

    private static List<Integer> parseFrames(String v) {
        List<Integer> out = new ArrayList<>();
        for (String s : v.split(",")) {
            out.add(positive("--frames", s.trim()));
        }
        return List.copyOf(out);
    }

    private static int positive(String name, String v) {
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " " + v + ": expected a positive integer");
        }
        if (n < 1) {
            throw new IllegalArgumentException(name + " " + v + ": expected a positive integer");
        }
        return n;
    }
}
