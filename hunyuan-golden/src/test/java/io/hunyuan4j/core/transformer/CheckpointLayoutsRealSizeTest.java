package io.hunyuan4j.core.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.golden.GoldenCheck;
import io.hunyuan4j.core.offload.Manifest;
import io.hunyuan4j.core.ops.ChunkedAttention;
import io.hunyuan4j.core.weights.DType;
import io.hunyuan4j.core.weights.ScaledFloat8Tensors;
import io.hunyuan4j.core.weights.ShapeOnlyTensors;
import io.hunyuan4j.core.weights.StateDict;
import io.hunyuan4j.core.weights.TensorSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The published 13B transformer's names and shapes (../shared/golden/manifests/transformer.json) written in the
 * other layouts a checkpoint comes in, shape-only (nothing is allocated): Tencent's original names (plain, with
 * ComfyUI's prefixes), FP8, and per-tensor scaled FP8. Each goes through the loader's real conversion
 * ({@link TransformerCheckpoint#toDiffusers}) and must give back the manifest exactly and bind the model.
 */
class CheckpointLayoutsRealSizeTest {

    private static final Manifest MANIFEST = Manifest.read(GoldenCheck.fixturesDir().resolve("manifests"),
            "transformer");

    /** Tensors of the published model: 1264 in the diffusers layout. */
    private static final int DIFFUSERS_TENSORS = 1264;
    /**
     * In the original layout: per dual block q/k/v and add_q/k/v (weight and bias) fuse into two tensors each
     * (-8 x 20), per single block q/k/v/proj_mlp into linear1 (-6 x 40), per refiner block q/k/v (-4 x 2).
     */
    private static final int ORIGINAL_TENSORS = DIFFUSERS_TENSORS - 8 * 20 - 6 * 40 - 4 * 2;

    private static TransformerConfig config() {
        return TransformerConfig.fromJson(MANIFEST.config());
    }

    /** Converts like a load does, checks the result is the manifest, and binds the 13B model to it. */
    private static void convertsBackAndBinds(TensorSource stored, String label) {
        TensorSource diffusers = TransformerCheckpoint.toDiffusers(stored);
        Map<String, Shape> got = ShapeOnlyTensors.shapes(diffusers);
        assertEquals(MANIFEST.tensors(), got, label + ": the converted names and shapes are the manifest's");
        var model = new HunyuanVideoTransformer3D(config(), StateDict.shapeOnly(got, label), new ChunkedAttention());
        assertEquals(DIFFUSERS_TENSORS, model.parameters().size(), label);
    }

    @Test
    void originalLayoutKeySetMapsBackExactly() {
        Map<String, Shape> original = OriginalLayoutFiles.invertShapes(MANIFEST.tensors());
        assertEquals(ORIGINAL_TENSORS, original.size());
        assertEquals(MANIFEST.parameters(), original.values().stream().mapToLong(Shape::size).sum());
        assertEquals(new Shape(3 * 3072 + 12288, 3072), original.get("single_blocks.0.linear1.weight"));
        assertEquals(new Shape(3 * 3072, 3072), original.get("double_blocks.19.txt_attn_qkv.weight"));
        List<String> prefixes = new java.util.ArrayList<>(OriginalLayout.PREFIXES);
        prefixes.add(0, "");
        for (String p : prefixes) {
            Map<String, Shape> prefixed = new LinkedHashMap<>();
            original.forEach((n, s) -> prefixed.put(p + n, s));
            TensorSource stored = ShapeOnlyTensors.of(prefixed, n -> DType.BF16);
            assertEquals(TransformerCheckpoint.Layout.ORIGINAL, TransformerCheckpoint.detect(stored.names()));
            convertsBackAndBinds(stored, "original layout, prefix '" + p + "'");
        }
    }

    @Test
    void fp8DiffusersKeySetBindsWithOneBytePerWeight() {
        TensorSource stored = ShapeOnlyTensors.of(MANIFEST.tensors(), CheckpointLayoutsRealSizeTest::fp8IfMatrix);
        convertsBackAndBinds(stored, "fp8 diffusers layout");
        TensorSource diffusers = TransformerCheckpoint.toDiffusers(stored);
        long bytes = diffusers.names().stream().mapToLong(n -> diffusers.info(n).byteLength()).sum();
        long fp8 = MANIFEST.tensors().entrySet().stream().filter(e -> e.getValue().dimension() >= 2)
                .mapToLong(e -> e.getValue().size()).sum();
        // every matrix (and the patch-embedding kernel) at one byte, vectors at two
        assertEquals(fp8 + 2 * (MANIFEST.parameters() - fp8), bytes);
        assertTrue(fp8 > 0.99 * MANIFEST.parameters(), "nearly all parameters are FP8: " + fp8);
    }

    /**
     * ComfyUI's {@code *_fp8_scaled.safetensors}: original names under {@code model.diffusion_model.}, FP8
     * matrices each with a float32 {@code scale_weight} and {@code scale_input} scalar, and the unprefixed
     * {@code scaled_fp8} marker. The scales of a fused qkv/linear1 apply to each part and are hidden after
     * conversion.
     */
    @Test
    void scaledFp8OriginalKeySetMapsBackExactly() {
        Map<String, Shape> original = OriginalLayoutFiles.invertShapes(MANIFEST.tensors());
        Map<String, Shape> stored = new LinkedHashMap<>();
        stored.put(ScaledFloat8Tensors.MARKER, new Shape(0));
        int scaled = 0;
        for (Map.Entry<String, Shape> e : original.entrySet()) {
            String n = "model.diffusion_model." + e.getKey();
            stored.put(n, e.getValue());
            if (e.getKey().endsWith(".weight") && e.getValue().dimension() == 2) {
                String module = n.substring(0, n.length() - ".weight".length());
                stored.put(module + ".scale_weight", new Shape());
                stored.put(module + ".scale_input", new Shape());
                scaled++;
            }
        }
        TensorSource source = ShapeOnlyTensors.of(stored, n -> n.endsWith("scale_weight") || n.endsWith("scale_input")
                ? DType.F32 : n.equals(ScaledFloat8Tensors.MARKER) ? DType.F8_E4M3 : fp8IfMatrix(n, stored.get(n)));
        assertEquals(ORIGINAL_TENSORS + 2 * scaled + 1, source.names().size());
        assertFalse(ScaledFloat8Tensors.isScaled(TransformerCheckpoint.toDiffusers(source)),
                "the converted view hides every scale");
        convertsBackAndBinds(source, "scaled fp8, original layout");
    }

    private static DType fp8IfMatrix(String name) {
        return fp8IfMatrix(name, MANIFEST.tensors().get(name));
    }

    private static DType fp8IfMatrix(String name, Shape shape) {
        return shape.dimension() >= 2 ? DType.F8_E4M3 : DType.BF16;
    }
}
