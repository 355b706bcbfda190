package io.hunyuan4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code generate --lora FILE[:WEIGHT] --lora-mode} and {@code --transformer FILE}. */
class LoraCommandTest {

    private static CliRun cli(String... args) {
        return CliRun.of(args);
    }

    private static CliRun generate(Path out, String... extra) {
        String[] base = {"generate", "--prompt", "a cat", "--height", "16", "--width", "16", "--frames", "1",
            "--steps", "1", "--seed", "3", "--out", out.toString()};
        String[] all = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return cli(all);
    }

    @Test
    void anAdapterChangesTheImageAndItsWeightAndModeAreParsed(@TempDir Path dir) throws IOException {
        Path lora = PipelineLoraTest.writeLora(dir.resolve("style.safetensors"), 1, 2f);
        CliRun base = generate(dir.resolve("base.png"));
        assertEquals(0, base.code(), base.err());
        CliRun styled = generate(dir.resolve("styled.png"), "--lora", lora + ":0.8", "--lora-mode", "fused");
        assertEquals(0, styled.code(), styled.err());
        CliRun zero = generate(dir.resolve("zero.png"), "--lora", lora + ":0");
        assertEquals(0, zero.code(), zero.err());
        byte[] b = Files.readAllBytes(dir.resolve("base.png"));
        assertFalse(java.util.Arrays.equals(b, Files.readAllBytes(dir.resolve("styled.png"))),
                "the adapter changes the image");
        assertTrue(java.util.Arrays.equals(b, Files.readAllBytes(dir.resolve("zero.png"))),
                "weight 0 is the base model");
    }

    @Test
    void badLoraAndTransformerOptionsAreUsageErrors(@TempDir Path dir) {
        CliRun missing = generate(dir.resolve("a.png"), "--lora", dir.resolve("absent.safetensors") + ":0.5");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("absent.safetensors") && missing.err().contains("not a file"),
                missing.err());
        CliRun mode = generate(dir.resolve("a.png"), "--lora-mode", "merged");
        assertEquals(2, mode.code());
        assertTrue(mode.err().contains("--lora-mode must be low-rank or fused"), mode.err());
        CliRun noModel = generate(dir.resolve("a.png"), "--transformer", dir.resolve("dit.safetensors").toString());
        assertEquals(2, noModel.code());
        assertTrue(noModel.err().contains("--transformer needs --model"), noModel.err());
        assertFalse(Files.exists(dir.resolve("a.png")), "nothing written");
    }

    @Test
    void theWeightIsWhatFollowsTheLastColonWhenItIsANumber(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("a:b.safetensors"), "x");
        assertEquals(Map.entry(file, 0.5f), GenerateCommand.parseLora(file + ":0.5"));
        assertEquals(Map.entry(file, 1f), GenerateCommand.parseLora(file.toString()));
    }
}
