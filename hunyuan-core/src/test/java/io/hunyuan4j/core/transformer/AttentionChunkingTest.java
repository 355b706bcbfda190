package io.hunyuan4j.core.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.ops.ChunkedAttention;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.DType;
import io.hunyuan4j.core.weights.InMemoryTensors;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.StateDict;
import io.hunyuan4j.core.weights.TensorLoader;
import org.junit.jupiter.api.Test;

/** Above {@link TokenChunks#CHUNK} tokens the q/k path runs chunked; it must equal the whole-sequence math. */
class AttentionChunkingTest {

    @Test
    void chunkedProjectionNormAndRopeEqualTheWholeSequence() {
        int heads = 2;
        int headDim = 8;
        int c = heads * headDim;
        long t = TokenChunks.CHUNK + 1000;
        InMemoryTensors w = InMemoryTensors.builder().seed(5)
                .normal("to_q.weight", 0.3f, DType.F32, c, c).normal("to_q.bias", 0.1f, DType.F32, c)
                .normal("to_k.weight", 0.3f, DType.F32, c, c).normal("to_k.bias", 0.1f, DType.F32, c)
                .normal("to_v.weight", 0.3f, DType.F32, c, c).normal("to_v.bias", 0.1f, DType.F32, c)
                .normal("norm_q.weight", 0.1f, DType.F32, headDim).normal("norm_k.weight", 0.1f, DType.F32, headDim)
                .build();
        try (NDManager m = NDManager.newBaseManager()) {
            StateDict sd = StateDict.load(w, m, LoadMode.EAGER, TensorLoader.float32(), "test");
            Attention attn = new Attention(sd, new Attention.Spec(heads, headDim, true, false, true),
                    new ChunkedAttention());
            m.getEngine().setRandomSeed(9);
            NDArray x = m.randomNormal(new Shape(1, t, c));
            NDArray angles = m.arange(0f, (float) t).reshape(t, 1).mul(m.arange(1f, headDim + 1f).reshape(1, headDim))
                    .mul(0.01f);
            RotaryEmbedding rope = new RotaryEmbedding(angles.cos(), angles.sin());
            var toQ = new io.hunyuan4j.core.nn.Linear(sd.child("to_q"), c, c);
            var normQ = new io.hunyuan4j.core.nn.RmsNorm(sd.child("norm_q"), headDim, Attention.QK_NORM_EPS);
            int before = m.getManagedArrays().size();
            NDArray got = attn.projectHeads(x, toQ, normQ, rope);
            int after = m.getManagedArrays().size();
            // whole-sequence reference: projection, per-head RMSNorm, transpose, interleaved RoPE
            NDArray q = F.linear(x, sd.take("to_q.weight", c, c).array(), sd.take("to_q.bias", c).array())
                    .reshape(1, t, heads, headDim);
            q = F.rmsNorm(q, sd.take("norm_q.weight", headDim).array(), Attention.QK_NORM_EPS).transpose(0, 2, 1, 3);
            NDArray expected = F.applyRotaryEmbInterleaved(q, rope.cos(), rope.sin());
            assertEquals(expected.getShape(), got.getShape());
            float err = expected.sub(got).abs().max().getFloat();
            assertTrue(err <= 1e-5f, "max abs diff " + err);
            // the result and its reshape/transpose views only: no per-chunk temporaries survive
            assertTrue(after - before <= 3, "chunk temporaries leaked into the caller: " + (after - before));
        }
    }
}
