package io.hunyuan4j.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hunyuan4j.core.ops.ComputeDtype;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Parity of {@code AutoencoderKLCogVideoX} with diffusers on ../shared/golden-cogvideox/cogvideox_vae and on the
 * held-out sets {@code golden-sets/cogvideox_vae_a} (batch 2, 25 frames in three encoder batches, an even latent
 * frame count, quant convs, 2 layers per block) and {@code cogvideox_vae_b} (temporal ratio 2, three levels, 20
 * frames, 7 latent frames in three decoder batches), made by tools/golden/spec_cogvideox_vae_{a,b}.py: every
 * output (encode moments / mean / logvar / std / sample, frame-batched and single-batch encode and decode, tiled
 * decode and encode) within 1e-4 in float32 and 3e-2 under the bf16 compute dtype.
 */
class CogVideoXVaeGoldenTest {

    private static Path folder(String set) {
        if (set.equals("public")) {
            return Path.of(System.getProperty("hunyuan.golden.cogvideox")).resolve("cogvideox_vae");
        }
        return Path.of(System.getProperty("hunyuan.root"), "hunyuan-golden", "src", "test", "resources",
                "golden-sets", set, "cogvideox_vae");
    }

    @ParameterizedTest
    @ValueSource(strings = {"public", "cogvideox_vae_a", "cogvideox_vae_b"})
    void everyOutputWithinTolerance(String set) {
        ComponentResult r = new GoldenCheck(List.of(new CogVideoXVaeGolden())).check(folder(set),
                GoldenOptions.float32());
        assertEquals(ComponentResult.Status.PASS, r.status(), set + ": " + r.line());
        assertTrue(r.maxRelErr() <= 1e-4, set + ": " + r.line());
    }

    /** On the smallest set: the VAE computes in float32 under BF16 (its weights stay float32), so any set shows it. */
    @Test
    void bf16ComputeDtypeStaysWithinTheBf16Bound() {
        ComponentResult r = new GoldenCheck(List.of(new CogVideoXVaeGolden())).check(folder("cogvideox_vae_b"),
                new GoldenOptions(ComputeDtype.BF16));
        assertEquals(ComponentResult.Status.PASS, r.status(), r.line());
        assertTrue(r.maxRelErr() <= GoldenOptions.BF16_TOLERANCE, r.line());
    }

    @Test
    void theServiceFileRegistersTheComponent() {
        assertTrue(GoldenCheck.discover().implemented().contains("cogvideox_vae"));
    }
}
