package io.hunyuan4j.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link HunyuanDiTPipelineGolden} against the {@code hunyuandit_pipeline} fixture: with the real
 * {@code AutoencoderKL} decoder every output (per-step raw and guided predictions, per-step and final latents with
 * guidance rescale 0 and 0.7, the unclamped and clamped decoded images, timesteps, RoPE table, image meta size)
 * within the pipeline bound 1e-3, and {@link GoldenCheck} over the whole HunyuanDiT fixture folder (text encoders
 * included) with the discovered components; without a decoder, every output but the images.
 */
class HunyuanDiTPipelineGoldenTest {

    @Test
    void everyOutputWithTheDecoder() {
        ComponentResult r = new GoldenCheck(java.util.List.of(new HunyuanDiTPipelineGolden())).check(
                HunyuanDiTTransformerGoldenTest.fixtures().resolve("hunyuandit_pipeline"), GoldenOptions.float32());
        assertEquals(ComponentResult.Status.PASS, r.status(), r.line());
        System.getLogger("HunyuanDiTPipelineGoldenTest").log(System.Logger.Level.INFO, r.line());
    }

    @Test
    void heldOutEveryOutputWithTheDecoder() {
        ComponentResult r = new GoldenCheck(java.util.List.of(new HunyuanDiTPipelineGolden())).check(
                HeldOutGoldenSetsTest.set("hunyuandit-heldout").resolve("hunyuandit_pipeline"),
                GoldenOptions.float32());
        assertEquals(ComponentResult.Status.PASS, r.status(), r.line());
        System.getLogger("HunyuanDiTPipelineGoldenTest").log(System.Logger.Level.INFO, "held-out " + r.line());
    }

    @Test
    void goldenCheckOverTheWholeFolder() {
        java.util.List<ComponentResult> results = GoldenCheck.discover().run(HunyuanDiTTransformerGoldenTest.fixtures(),
                GoldenOptions.float32());
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (ComponentResult r : results) {
            assertEquals(ComponentResult.Status.PASS, r.status(), r.line());
            names.add(r.component());
        }
        assertEquals(java.util.Set.of("hunyuandit_pipeline", "hunyuandit_scheduler", "hunyuandit_transformer",
                "hunyuandit_transformer_v11", "hunyuandit_vae", "text_bert", "text_mt5"), names);
    }

    @Test
    void latentsLevelParity() {
        double worst = latentsLevelError(HunyuanDiTTransformerGoldenTest.fixtures().resolve("hunyuandit_pipeline"),
                13);
        System.getLogger("HunyuanDiTPipelineGoldenTest").log(System.Logger.Level.INFO,
                "hunyuandit_pipeline latents-level max_rel_err=" + worst);
    }

    /**
     * Runs the component without a decoder on {@code folder} and compares every output but the images.
     *
     * @param expectedOutputs how many outputs must be compared
     * @return the worst relative error, checked against the pipeline bound
     */
    static double latentsLevelError(java.nio.file.Path folder, int expectedOutputs) {
        HunyuanDiTPipelineGolden component = HunyuanDiTPipelineGolden.latentsOnly();
        try (GoldenFixture fx = GoldenFixture.open(folder);
                NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> got = component.run(fx, manager, GoldenOptions.float32());
            int compared = 0;
            double worst = 0;
            String worstName = "";
            for (String name : fx.outputs().names()) {
                if (name.contains("image.") || name.endsWith(".image") || name.endsWith("image_decoded_raw")) {
                    assertFalse(got.containsKey(name), "no decoder: " + name + " must be left out");
                    continue;
                }
                NDArray g = got.get(name);
                assertTrue(g != null, "missing output " + name);
                NDArray ref = fx.outputs().load(name, manager, DataType.FLOAT32);
                assertEquals(ref.getShape(), g.getShape(), name);
                double err = GoldenCheck.maxRelErr(g, ref);
                if (err > worst) {
                    worst = err;
                    worstName = name;
                }
                compared++;
            }
            assertEquals(expectedOutputs, compared);
            assertTrue(worst <= component.tolerance(), "worst " + worstName + " " + worst);
            return worst;
        }
    }
}
