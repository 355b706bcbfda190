package io.hunyuan4j.core.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/**
 * The bf16 query-chunked attention against float32 attention on the same (bf16-rounded) inputs: within bf16
 * rounding, with and without a key mask, over several query blocks (a score budget of a few rows) or one; and
 * {@link AttentionBackends#auto} picks it by the measured rule.
 */
class Bf16ChunkedAttentionTest {

    private static float relErr(NDArray got, NDArray ref) {
        float[] g = got.toType(DataType.FLOAT32, true).toFloatArray();
        float[] r = ref.toFloatArray();
        float d = 0;
        float m = 0;
        for (int i = 0; i < r.length; i++) {
            d = Math.max(d, Math.abs(g[i] - r[i]));
            m = Math.max(m, Math.abs(r[i]));
        }
        return d / m;
    }

    @Test
    void matchesFloat32AttentionWithinBf16Rounding() {
        assertTrue(Kernels.available(Device.cpu()), Kernels.status(Device.cpu()));
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(7);
            // bf16-rounded inputs, so the reference sees exactly what the bf16 path sees
            NDArray q = F.toBf16(m.randomNormal(new Shape(2, 3, 70, 16)));
            NDArray k = F.toBf16(m.randomNormal(new Shape(2, 3, 90, 16)));
            NDArray v = F.toBf16(m.randomNormal(new Shape(2, 3, 90, 16)));
            NDArray qf = F.toFloat32(q);
            NDArray kf = F.toFloat32(k);
            NDArray vf = F.toFloat32(v);
            boolean[] keep = new boolean[2 * 90];
            for (int j = 0; j < 90; j++) {
                keep[j] = true;
                keep[90 + j] = j < 55;
            }
            NDArray mask = m.create(keep, new Shape(2, 1, 1, 90));
            ChunkedAttention exact = new ChunkedAttention();
            for (long budget : new long[] {2 * 3 * 90 * 4 * 8, Bf16ChunkedAttention.DEFAULT_SCORE_BYTES}) {
                Bf16ChunkedAttention attn = new Bf16ChunkedAttention(budget);
                NDArray got = attn.attention(q, k, v, mask);
                assertTrue(Kernels.isBf16(got));
                assertEquals(new Shape(2, 3, 70, 16), got.getShape());
                float err = relErr(got, exact.attention(qf, kf, vf, mask));
                assertTrue(err < 1e-2f, "masked, budget " + budget + ": " + err);
                float plain = relErr(attn.attention(q, k, v, null), exact.attention(qf, kf, vf, null));
                assertTrue(plain < 1e-2f, "unmasked, budget " + budget + ": " + plain);
            }
            // that small budget leaves 8-row blocks with all heads at once, so the calls above ran per batch item
            // and single head (48-row blocks)
            Bf16ChunkedAttention small = new Bf16ChunkedAttention(2 * 3 * 90 * 4 * 8);
            assertEquals(8, small.chunk(q.getShape(), k.getShape()));
            assertEquals(1, small.headGroup(q.getShape(), k.getShape()));
            assertEquals(48, small.blockRows(q.getShape(), k.getShape()));
            assertEquals(3, new Bf16ChunkedAttention().headGroup(q.getShape(),
                    k.getShape()));
            // a per-head, per-query additive mask is sliced with its heads
            NDArray full = m.randomUniform(-4f, 0f, new Shape(2, 3, 70, 90));
            float err = relErr(small.attention(q, k, v, full), exact.attention(qf, kf, vf, full));
            assertTrue(err < 1e-2f, "per-head mask, grouped: " + err);
        }
    }

    @Test
    void autoChoosesByDtypeAndLength() {
        AttentionBackend auto = AttentionBackends.auto();
        assertEquals("fused", AttentionBackends.choose(false, 1 << 16).name());
        assertEquals("fused", AttentionBackends.choose(true, AttentionBackends.BF16_CHUNKED_MIN_KEYS - 1).name());
        assertEquals("bf16-chunked", AttentionBackends.choose(true, AttentionBackends.BF16_CHUNKED_MIN_KEYS).name());
        assertEquals("auto", auto.name());
    }

    @Test
    void autoKeepsFusedWhereQueryBlocksWouldBeShort() {
        // H=8 x 128 at 8192 keys: 128-row blocks, chunked (measured 1.3x faster)
        Shape few = new Shape(1, 8, 8192, 128);
        assertEquals("bf16-chunked", AttentionBackends.choose(true, few, few).name());
        // CogVideoX-5B at 480x720x49 on the CFG batch: 96 heads x 17,776 keys would leave 4-row blocks, so the
        // chunked kernel runs 3 heads per call with 157-row blocks
        Shape many = new Shape(2, 48, 17776, 64);
        assertEquals("bf16-chunked", AttentionBackends.choose(true, many, many).name());
        assertEquals(157, new Bf16ChunkedAttention().blockRows(many, many));
        // one head over 200,000 keys: 41-row blocks even alone
        assertEquals("fused", AttentionBackends.choose(true, new Shape(1, 1, 1000, 64), new Shape(1, 1, 200_000, 64))
                .name());
        assertEquals("fused", AttentionBackends.choose(false, few, few).name());
        // off the CPU the device's own SDPA kernels always run
        assertEquals("bf16-chunked", AttentionBackends.choose(ai.djl.Device.cpu(), true, many, many).name());
        assertEquals("fused", AttentionBackends.choose(ai.djl.Device.gpu(), true, many, many).name());
    }
}
