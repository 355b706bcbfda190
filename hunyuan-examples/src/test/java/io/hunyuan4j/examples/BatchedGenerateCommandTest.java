package io.hunyuan4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code generate} with several {@code --prompt}, {@code --negative-prompt} per prompt and
 * {@code --videos-per-prompt}, on the embedded tiny model: one numbered file and one 'wrote' line per video, in
 * prompt-major order, each the image its prompt, negative prompt and seed give alone.
 */
class BatchedGenerateCommandTest {

    private static final List<String> PROMPTS = List.of("a cat", "a red bird flies over a wide blue lake at dawn");
    private static final List<String> NEGATIVES = List.of("blur", "dark");
    private static final int VIDEOS_PER_PROMPT = 2;
    private static final int VIDEOS = PROMPTS.size() * VIDEOS_PER_PROMPT;
    private static final long SEED = 11;
    private static final int HEIGHT = 32;
    private static final int WIDTH = 48;
    private static final String[] SMALL = {"--height", Integer.toString(HEIGHT), "--width", Integer.toString(WIDTH),
        "--steps", "2"};
    /** Batched and single runs agree to float32 rounding of a batched matmul; 8-bit pixels may differ by one. */
    private static final int MAX_PIXEL_STEP = 1;

    private static CliRun generate(List<String> args) {
        List<String> a = new ArrayList<>(List.of("generate"));
        a.addAll(args);
        a.addAll(List.of(SMALL));
        return CliRun.of(a.toArray(String[]::new));
    }

    private static List<String> wroteLines(CliRun r) {
        return r.out().lines().filter(l -> l.startsWith("wrote ")).toList();
    }

    @Test
    void twoPromptsTimesTwoImagesAreNumberedPromptMajorAndEachMatchesItsSingleRun(@TempDir Path dir)
            throws IOException {
        Path out = dir.resolve("pets.png");
        List<String> args = new ArrayList<>();
        for (int p = 0; p < PROMPTS.size(); p++) {
            // both spellings, --name value and --name=value
            args.addAll(List.of("--prompt", PROMPTS.get(p), "--negative-prompt=" + NEGATIVES.get(p)));
        }
        args.addAll(List.of("--videos-per-prompt", Integer.toString(VIDEOS_PER_PROMPT), "--true-cfg", "3",
                "--frames", "1", "--seed", Long.toString(SEED), "--out", out.toString()));
        CliRun batch = generate(args);
        assertEquals(0, batch.code(), batch.out() + batch.err());
        List<String> wrote = wroteLines(batch);
        assertEquals(VIDEOS, wrote.size(), batch.out());
        List<Path> expected = new ArrayList<>();
        for (int i = 0; i < VIDEOS; i++) {
            Path file = dir.resolve("pets-" + i + ".png");
            expected.add(file);
            assertTrue(wrote.get(i).startsWith("wrote " + file + ": 1 frame " + HEIGHT + "x" + WIDTH + ", "),
                    wrote.get(i));
            assertTrue(wrote.get(i).contains(", seed " + (SEED + i) + ", "), "item i uses seed + i: " + wrote.get(i));
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(expected, files.sorted().toList(), "one numbered file per video, no " + out.getFileName());
        }
        for (int i = 0; i < VIDEOS; i++) {
            int p = i / VIDEOS_PER_PROMPT;
            Path single = dir.resolve("single.png");
            CliRun alone = generate(List.of("--prompt", PROMPTS.get(p), "--negative-prompt", NEGATIVES.get(p),
                    "--true-cfg", "3", "--frames", "1", "--seed", Long.toString(SEED + i), "--out", single.toString()));
            assertEquals(0, alone.code(), alone.err());
            int diff = maxChannelDiff(ImageIO.read(single.toFile()), ImageIO.read(expected.get(i).toFile()));
            assertTrue(diff <= MAX_PIXEL_STEP, "video " + i + " (prompt " + p + ") differs from its single run by "
                    + diff + " levels");
        }
    }

    @Test
    void oneNegativePromptForAllAndSeveralMp4s(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("cat.mp4");
        CliRun r = generate(List.of("--prompt", PROMPTS.get(0), "--negative-prompt", NEGATIVES.get(0),
                "--videos-per-prompt=" + VIDEOS_PER_PROMPT, "--frames", "5", "--seed", Long.toString(SEED),
                "--out", out.toString()));
        assertEquals(0, r.code(), r.out() + r.err());
        List<String> wrote = wroteLines(r);
        assertEquals(VIDEOS_PER_PROMPT, wrote.size(), r.out());
        for (int i = 0; i < VIDEOS_PER_PROMPT; i++) {
            Path file = dir.resolve("cat-" + i + ".mp4");
            assertTrue(wrote.get(i).startsWith("wrote " + file + ": 5 frames " + HEIGHT + "x" + WIDTH), wrote.get(i));
            assertTrue(Files.size(file) > 0, file.toString());
        }
        assertFalse(Files.exists(out), "with several videos only the numbered files are written");
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(dir.resolve("cat-0.mp4")),
                Files.readAllBytes(dir.resolve("cat-1.mp4"))), "two seeds, two videos");
    }

    private static int maxChannelDiff(BufferedImage a, BufferedImage b) {
        assertEquals(a.getWidth(), b.getWidth());
        assertEquals(a.getHeight(), b.getHeight());
        int max = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int shift = 0; shift < 24; shift += 8) {
                    max = Math.max(max, Math.abs((p >> shift & 0xff) - (q >> shift & 0xff)));
                }
            }
        }
        return max;
    }
}
