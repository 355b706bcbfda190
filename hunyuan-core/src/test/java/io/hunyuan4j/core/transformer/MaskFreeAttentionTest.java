package io.hunyuan4j.core.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.hunyuan4j.core.api.DenoiserInput;
import io.hunyuan4j.core.ops.AttentionBackend;
import io.hunyuan4j.core.ops.AttentionBackends;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.RandomWeights;
import io.hunyuan4j.core.weights.StateDict;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The DiT's mask-free path: without intermediates to report, the text padding every row shares is cut off and,
 * when none remains, the joint attention runs without a mask (what lets SDPA take its flash kernels on GPUs).
 * The result must match the masked path, which keeps diffusers' shapes and is the one the golden tests check.
 */
class MaskFreeAttentionTest {

    /** The default backend, recording whether each call carried a mask. */
    private static final class Recording implements AttentionBackend {
        final AttentionBackend inner = AttentionBackends.defaultBackend();
        final List<Boolean> masked = new ArrayList<>();

        @Override
        public NDArray attention(NDArray q, NDArray k, NDArray v, @Nullable NDArray mask) {
            masked.add(mask != null);
            return inner.attention(q, k, v, mask);
        }

        @Override
        public String name() {
            return "recording " + inner.name();
        }
    }

    private static double maxRelErr(NDArray got, NDArray ref) {
        float[] g = got.toFloatArray();
        float[] r = ref.toFloatArray();
        double err = 0;
        double max = 0;
        for (int i = 0; i < r.length; i++) {
            err = Math.max(err, Math.abs(g[i] - r[i]));
            max = Math.max(max, Math.abs(r[i]));
        }
        return err / max;
    }

    private static void check(int textLen, int valid) {
        TransformerConfig c = TransformerConfig.tiny();
        Recording backend = new Recording();
        try (NDManager weights = NDManager.newBaseManager(); NDManager caller = NDManager.newBaseManager()) {
            StateDict w = StateDict.load(new RandomWeights(HunyuanVideoTransformer3D.expectedShapes(c), 5), weights,
                    LoadMode.EAGER, ComputeDtype.FLOAT32.loader(), "random");
            HunyuanVideoTransformer3D model = new HunyuanVideoTransformer3D(c, w, backend, ComputeDtype.FLOAT32);
            DenoiserInput in = TinyInputs.of(caller, c, 2, 8, textLen, valid);
            NDArray fast = model.forward(in);
            List<Boolean> fastMasks = List.copyOf(backend.masked);
            backend.masked.clear();
            NDArray reference = model.forward(in, (name, value) -> { });
            int joint = c.numLayers() + c.numSingleLayers();
            assertTrue(fastMasks.size() >= joint, "attention calls " + fastMasks);
            assertFalse(fastMasks.subList(fastMasks.size() - joint, fastMasks.size()).contains(true),
                    "the blocks' joint attention got a mask: " + fastMasks);
            List<Boolean> refBlocks = backend.masked.subList(backend.masked.size() - joint, backend.masked.size());
            assertEquals(valid < textLen, refBlocks.contains(true), "masked path: " + backend.masked);
            double err = maxRelErr(fast, reference);
            assertTrue(err <= 1e-5, "mask-free vs masked forward: max_rel_err " + err);
            model.close();
        }
    }

    @Test
    void paddedBatchOneTrimsTheTextAndDropsTheMask() {
        check(12, 7);
    }

    @Test
    void fullTextNeedsNoMask() {
        check(12, 12);
    }

    @Test
    void paddingRules() {
        assertTrue(HunyuanVideoTransformer3D.hasPadding(new float[][] {{1, 1, 0}}));
        assertFalse(HunyuanVideoTransformer3D.hasPadding(new float[][] {{1, 1, 1}, {1, 1, 1}}));
        assertEquals(2, HunyuanVideoTransformer3D.textTokensToKeep(new float[][] {{1, 1, 0, 0}, {1, 0, 0, 0}}));
        assertEquals(1, HunyuanVideoTransformer3D.textTokensToKeep(new float[][] {{0, 0}}));
    }
}
