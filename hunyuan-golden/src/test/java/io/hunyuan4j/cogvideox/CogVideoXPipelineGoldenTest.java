package io.hunyuan4j.cogvideox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.golden.CogVideoXPipelineGolden;
import io.hunyuan4j.golden.ComponentResult;
import io.hunyuan4j.golden.GoldenCheck;
import io.hunyuan4j.golden.GoldenFixture;
import io.hunyuan4j.golden.GoldenOptions;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * golden {@code cogvideox_pipeline} end to end with the fixture's CogVideoX VAE: every output (raw and guided
 * noise predictions, guidance scales, x0, latents, timesteps, RoPE tables, DPM noise draws, the image posterior's
 * noise and image latents, the decoded video) within the pipeline tolerance 1e-3; timesteps exactly; guidance
 * scales to 1e-12. The latent-only variant still compares every latent-level output.
 */
class CogVideoXPipelineGoldenTest {

    /** Outputs that need the VAE (decoded video, the posterior's noise). */
    private static final Set<String> VAE_OUTPUTS = Set.of("video", "video_decoded_raw", "image_latent_noise");

    @ParameterizedTest
    @ValueSource(strings = {"public/cogvideox_pipeline/t2v_2b", "public/cogvideox_pipeline/t2v_5b_dpm",
        "public/cogvideox_pipeline/i2v_5b", "public/cogvideox_pipeline/i2v_v1_5",
        "heldout/cogvideox_pipeline/i2v_5b_dpm_b2"})
    void everyOutputMatchesDiffusers(String name) {
        try (GoldenFixture fx = GoldenFixture.open(CogVideoXGoldenPaths.fixture(name));
                NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> got = new CogVideoXPipelineGolden().run(fx, m, GoldenOptions.float32());
            for (String out : fx.outputs().names()) {
                NDArray g = got.get(out);
                assertNotNull(g, "missing output " + out);
                NDArray ref = fx.outputs().load(out, m, DataType.FLOAT32);
                assertEquals(ref.getShape(), g.getShape(), out);
                double err = GoldenCheck.maxRelErr(g, ref);
                assertTrue(err <= 1e-3, name + " " + out + " max_rel_err " + err);
            }
            assertTrue(got.keySet().containsAll(VAE_OUTPUTS) || !got.containsKey("image_latents"),
                    "an image-to-video case produces every VAE output: " + got.keySet());
            assertTrue(got.containsKey("video") && got.containsKey("video_decoded_raw"), got.keySet().toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"public/cogvideox_pipeline/t2v_2b", "public/cogvideox_pipeline/t2v_5b_dpm",
        "public/cogvideox_pipeline/i2v_5b", "public/cogvideox_pipeline/i2v_v1_5",
        "heldout/cogvideox_pipeline/i2v_5b_dpm_b2"})
    void latentLevelOutputsMatchDiffusers(String name) {
        try (GoldenFixture fx = GoldenFixture.open(CogVideoXGoldenPaths.fixture(name));
                NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> got = CogVideoXPipelineGolden.latentOnly().run(fx, m, GoldenOptions.float32());
            int compared = 0;
            StringBuilder report = new StringBuilder();
            for (String out : fx.outputs().names()) {
                if (VAE_OUTPUTS.contains(out)) {
                    continue;
                }
                NDArray g = got.get(out);
                assertNotNull(g, "missing output " + out);
                NDArray ref = fx.outputs().load(out, m, DataType.FLOAT32);
                assertEquals(ref.getShape(), g.getShape(), out);
                if (out.equals("timesteps")) {
                    assertArrayEquals(fx.outputs().load(out, m, DataType.INT64).toLongArray(),
                            g.toType(DataType.INT64, false).toLongArray());
                } else if (out.equals("guidance_scales")) {
                    double[] r = fx.outputs().load(out, m, DataType.FLOAT64).toDoubleArray();
                    double[] v = g.toType(DataType.FLOAT64, false).toDoubleArray();
                    for (int i = 0; i < r.length; i++) {
                        assertEquals(r[i], v[i], 1e-12 * Math.abs(r[i]), "guidance_scales[" + i + "]");
                    }
                }
                double err = GoldenCheck.maxRelErr(g, ref);
                report.append(out).append('=').append(String.format(java.util.Locale.ROOT, "%.2e ", err));
                assertTrue(err <= 1e-3, name + " " + out + " max_rel_err " + err);
                compared++;
            }
            assertTrue(compared >= 7, "compared " + compared);
            System.getLogger("CogVideoXPipelineGoldenTest").log(System.Logger.Level.INFO, name + ": " + report);
        }
    }

    /**
     * bf16 (mixed precision: float32 residual streams, embeddings and output layers; bf16 block projections and
     * attention) end to end: every output within the modules' bf16 bound, VAE outputs included.
     */
    @ParameterizedTest
    @ValueSource(strings = {"public/cogvideox_pipeline/t2v_2b", "public/cogvideox_pipeline/t2v_5b_dpm",
        "public/cogvideox_pipeline/i2v_5b", "heldout/cogvideox_pipeline/i2v_5b_dpm_b2"})
    void bf16PassesTheBf16Bound(String name) {
        ComponentResult r = GoldenCheck.discover().check(CogVideoXGoldenPaths.fixture(name),
                new GoldenOptions(ComputeDtype.BF16));
        assertEquals(ComponentResult.Status.PASS, r.status(), r.line());
        assertTrue(r.maxRelErr() <= GoldenOptions.BF16_TOLERANCE && r.maxRelErr() > 1e-4, r.line());
    }

    /**
     * i2v_v1_5 in bf16: every latent-level output (noise predictions, x0, latents) within the bf16 bound. Its
     * decoded video is not: the fixture's random VAE amplifies a latent error ~7x (docs/cogvideox.md, bf16).
     */
    @org.junit.jupiter.api.Test
    void bf16LatentsOfI2vV15WithinTheBf16Bound() {
        try (GoldenFixture fx = GoldenFixture.open(CogVideoXGoldenPaths.fixture("public/cogvideox_pipeline/i2v_v1_5"));
                NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> got = CogVideoXPipelineGolden.latentOnly().run(fx, m,
                    new GoldenOptions(ComputeDtype.BF16));
            for (String out : new String[] {"noise_pred_raw", "noise_pred_guided", "pred_original_sample",
                "step_latents", "latents"}) {
                double err = GoldenCheck.maxRelErr(got.get(out), fx.outputs().load(out, m, DataType.FLOAT32));
                assertTrue(err <= GoldenOptions.BF16_TOLERANCE, out + " max_rel_err " + err);
            }
        }
    }
}
