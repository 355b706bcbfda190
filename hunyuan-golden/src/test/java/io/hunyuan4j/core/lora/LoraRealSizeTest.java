package io.hunyuan4j.core.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.golden.GoldenCheck;
import io.hunyuan4j.core.offload.Manifest;
import io.hunyuan4j.core.transformer.HunyuanVideoTransformer3D;
import io.hunyuan4j.core.transformer.OriginalLayoutFiles;
import io.hunyuan4j.core.transformer.TransformerConfig;
import io.hunyuan4j.core.weights.DType;
import io.hunyuan4j.core.weights.ShapeOnlyTensors;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * LoRA key sets for every linear layer of the published 13B transformer (../shared/golden/manifests/transformer.json),
 * in each layout, matched shape-only (nothing is allocated): every module of the model is adapted, with the right
 * rank, and nothing is left over.
 */
class LoraRealSizeTest {

    private static final Manifest MANIFEST = Manifest.read(GoldenCheck.fixturesDir().resolve("manifests"),
            "transformer");
    private static final long INNER_DIM = 3072;
    private static final long RANK = 32;

    /** The 13B model's linear layers: module to weight shape [out, in]. */
    private static Map<String, Shape> linears() {
        Map<String, Shape> implied = HunyuanVideoTransformer3D.expectedShapes(TransformerConfig.fromJson(
                MANIFEST.config()));
        assertEquals(MANIFEST.tensors(), implied);
        return LoraAdapters.linearShapes(implied);
    }

    /** A LoRA key set (rank {@link #RANK}) for the 2-D weights of {@code weights}, named by {@code keys}. */
    private static ShapeOnlyTensors loraKeys(Map<String, Shape> weights, Function<String, String[]> keys) {
        Map<String, Shape> out = new LinkedHashMap<>();
        weights.forEach((name, s) -> {
            if (name.endsWith(".weight") && s.dimension() == 2) {
                String[] k = keys.apply(name.substring(0, name.length() - ".weight".length()));
                out.put(k[0], new Shape(RANK, s.get(1)));
                out.put(k[1], new Shape(s.get(0), RANK));
                if (k.length > 2) {
                    out.put(k[2], new Shape());
                }
            }
        });
        return ShapeOnlyTensors.of(out, n -> DType.BF16);
    }

    private static LoraAdapter check(ShapeOnlyTensors keys, Map<String, Shape> linears) {
        return LoraAdapter.check(Path.of("real-size.safetensors"), keys, linears, INNER_DIM, UnmatchedKeys.FAIL);
    }

    private static void adaptsEveryLinear(LoraAdapter a, LoraLayout layout, Map<String, Shape> linears) {
        assertEquals(layout, a.layout());
        assertEquals(linears.keySet(), a.modules().keySet(), layout + ": every linear layer, nothing else");
        assertTrue(a.modules().values().stream().allMatch(m -> m.rank() == RANK), layout + " rank");
        assertTrue(a.skipped().isEmpty());
    }

    @Test
    void peftKeySetMatchesEveryLinear() {
        Map<String, Shape> linears = linears();
        // 20 dual blocks x 14 (two modulations, 8 attention projections, 4 feed-forward), 40 single x 6 (q, k, v,
        // proj_mlp, proj_out, modulation), 2 refiner blocks x 7, the refiner's 5 embedders, 8 others
        assertEquals(20 * 14 + 40 * 6 + 2 * 7 + 5 + 8, linears.size());
        try (LoraAdapter a = check(loraKeys(MANIFEST.tensors(), m -> new String[] {"transformer." + m
                + ".lora_A.weight", "transformer." + m + ".lora_B.weight"}), linears)) {
            adaptsEveryLinear(a, LoraLayout.DIFFUSERS, linears);
        }
    }

    @Test
    void originalAndKohyaKeySetsMatchEveryLinear() {
        Map<String, Shape> linears = linears();
        Map<String, Shape> original = OriginalLayoutFiles.invertShapes(MANIFEST.tensors());
        try (LoraAdapter a = check(loraKeys(original, m -> new String[] {"diffusion_model." + m + ".lora_A.weight",
                "diffusion_model." + m + ".lora_B.weight", "diffusion_model." + m + ".alpha"}), linears)) {
            adaptsEveryLinear(a, LoraLayout.ORIGINAL, linears);
        }
        try (LoraAdapter a = check(loraKeys(original, m -> {
            String flat = "lora_unet_" + m.replace('.', '_');
            return new String[] {flat + ".lora_down.weight", flat + ".lora_up.weight", flat + ".alpha"};
        }), linears)) {
            adaptsEveryLinear(a, LoraLayout.KOHYA, linears);
        }
    }

    /** A key set with one module's B one row short fails naming it (the check is not vacuous at this size). */
    @Test
    void aMisShapedModuleIsNamed() {
        Map<String, Shape> linears = linears();
        Map<String, Shape> broken = new LinkedHashMap<>(MANIFEST.tensors());
        broken.put("single_transformer_blocks.39.proj_mlp.weight", new Shape(12287, 3072));
        var e = assertThrows(LoraException.class, () -> check(loraKeys(broken, m -> new String[] {m
                + ".lora_A.weight", m + ".lora_B.weight"}), linears));
        assertEquals(LoraException.Kind.SHAPE_MISMATCH, e.kind());
        assertEquals(1, e.keys().size());
        assertTrue(e.keys().get(0).startsWith("single_transformer_blocks.39.proj_mlp"), e.getMessage());
    }
}
