package io.hunyuan4j.core.ops;

import static io.hunyuan4j.core.ops.Ref.assertClose;
import static io.hunyuan4j.core.ops.Ref.floats;
import static io.hunyuan4j.core.ops.Ref.randn;
import static io.hunyuan4j.core.ops.Ref.relErr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Fused and chunked attention against a naive loop and against each other (1e-5 relative). */
class AttentionTest {

    static final int B = 2;
    static final int H = 3;
    static final int LQ = 37;
    static final int LK = 41;
    static final int D = 24;

    NDManager m;
    Random r;
    NDArray q;
    NDArray k;
    NDArray v;
    final AttentionBackend fused = new FusedAttention();
    /** A tiny score budget forces many chunks (here 3 query rows per chunk). */
    final AttentionBackend chunked = new ChunkedAttention((long) B * H * LK * 4 * 3);

    @BeforeEach
    void open() {
        m = NDManager.newBaseManager();
        r = new Random(11);
        q = randn(m, r, B, H, LQ, D);
        k = randn(m, r, B, H, LK, D);
        v = randn(m, r, B, H, LK, D);
    }

    @AfterEach
    void close() {
        m.close();
        // every kernel call above really ran the kernel: none fell back to the composed path
        assertEquals(java.util.Set.of(), Kernels.forDevice(ai.djl.Device.cpu()).failedMethods());
    }

    /** Key padding: batch 0 sees 41 keys, batch 1 the first 23. */
    boolean[][][] keyPadding() {
        boolean[][][] a = new boolean[B][LQ][LK];
        for (int n = 0; n < B; n++) {
            for (int i = 0; i < LQ; i++) {
                for (int j = 0; j < LK; j++) {
                    a[n][i][j] = n == 0 || j < 23;
                }
            }
        }
        return a;
    }

    NDArray keyPaddingMask() {
        boolean[] flat = new boolean[B * LK];
        for (int n = 0; n < B; n++) {
            for (int j = 0; j < LK; j++) {
                flat[n * LK + j] = n == 0 || j < 23;
            }
        }
        return m.create(flat, new Shape(B, 1, 1, LK));
    }

    void checkBoth(float[] ref, NDArray mask, boolean causal, String what) {
        NDArray f = fused.attention(q, k, v, mask, causal);
        NDArray c = chunked.attention(q, k, v, mask, causal);
        assertEquals(new Shape(B, H, LQ, D), f.getShape());
        assertClose(ref, f, 1e-5, what + " fused vs loop");
        assertClose(ref, c, 1e-5, what + " chunked vs loop");
        double e = relErr(floats(f), floats(c));
        assertTrue(e <= 1e-5, what + ": fused vs chunked max_rel_err " + e);
    }

    @Test
    void noMask() {
        checkBoth(Ref.attention(floats(q), floats(k), floats(v), B, H, LQ, LK, D, null, null, false), null, false,
                "no mask");
    }

    @Test
    void boolKeyPaddingMask() {
        checkBoth(Ref.attention(floats(q), floats(k), floats(v), B, H, LQ, LK, D, keyPadding(), null, false),
                keyPaddingMask(), false, "bool key padding");
    }

    @Test
    void floatAdditiveMaskPerQuery() {
        float[][][] bias = new float[B][LQ][LK];
        float[] flat = new float[B * LQ * LK];
        for (int n = 0; n < B; n++) {
            for (int i = 0; i < LQ; i++) {
                for (int j = 0; j < LK; j++) {
                    float val = (j * 7 + i * 3 + n) % 5 == 0 ? F.MASK_MIN : (float) r.nextGaussian();
                    bias[n][i][j] = val;
                    flat[(n * LQ + i) * LK + j] = val;
                }
            }
        }
        boolean[][][] allowed = new boolean[B][LQ][LK];
        for (int n = 0; n < B; n++) {
            for (int i = 0; i < LQ; i++) {
                for (int j = 0; j < LK; j++) {
                    allowed[n][i][j] = bias[n][i][j] != F.MASK_MIN;
                    bias[n][i][j] = allowed[n][i][j] ? bias[n][i][j] : 0;
                }
            }
        }
        NDArray mask = m.create(flat, new Shape(B, 1, LQ, LK));
        checkBoth(Ref.attention(floats(q), floats(k), floats(v), B, H, LQ, LK, D, allowed, bias, false), mask,
                false, "float mask");
    }

    @Test
    void causalWithAndWithoutPadding() {
        checkBoth(Ref.attention(floats(q), floats(k), floats(v), B, H, LQ, LK, D, null, null, true), null, true,
                "causal");
        checkBoth(Ref.attention(floats(q), floats(k), floats(v), B, H, LQ, LK, D, keyPadding(), null, true),
                keyPaddingMask(), true, "causal + bool padding");
        NDArray additive = F.additiveMask(keyPaddingMask());
        checkBoth(Ref.attention(floats(q), floats(k), floats(v), B, H, LQ, LK, D, keyPadding(), null, true),
                additive, true, "causal + float padding");
    }

    @Test
    void interfaceDefaultCausalMatchesOverrides() {
        ChunkedAttention plain = new ChunkedAttention();
        NDArray viaDefault = new AttentionBackend() {
            @Override
            public NDArray attention(NDArray qq, NDArray kk, NDArray vv, NDArray mask) {
                return plain.attention(qq, kk, vv, mask);
            }

            @Override
            public String name() {
                return "test";
            }
        }.attention(q, k, v, keyPaddingMask(), true);
        float[] ref = Ref.attention(floats(q), floats(k), floats(v), B, H, LQ, LK, D, keyPadding(), null, true);
        assertClose(ref, viaDefault, 1e-5, "default causal");
    }

    @Test
    void bf16AgreesWithFloat32() {
        float[] ref = Ref.attention(floats(q), floats(k), floats(v), B, H, LQ, LK, D, keyPadding(), null, false);
        NDArray qb = F.toBf16(q);
        NDArray kb = F.toBf16(k);
        NDArray vb = F.toBf16(v);
        for (AttentionBackend a : new AttentionBackend[] {fused, chunked}) {
            NDArray o = a.attention(qb, kb, vb, keyPaddingMask());
            assertTrue(F.isBf16(o), a.name() + " keeps q's dtype");
            assertClose(ref, o, 1e-2, a.name() + " bf16");
            NDArray fm = a.attention(qb, kb, vb, F.additiveMask(keyPaddingMask()));
            assertClose(ref, fm, 1e-2, a.name() + " bf16 float mask");
        }
    }

    @Test
    void outputBelongsToQueryManagerAndIsWritable() {
        try (NDManager sub = m.newSubManager()) {
            NDArray qs = q.duplicate();
            qs.attach(sub);
            for (AttentionBackend a : new AttentionBackend[] {fused, chunked}) {
                NDArray o = a.attention(qs, k, v, keyPaddingMask());
                assertEquals(sub, o.getManager(), a.name());
                o.muli(0f);
                assertEquals(0f, o.abs().sum().getFloat(), a.name());
            }
        }
    }

    @Test
    void defaultIsAutoAndNamesResolve() {
        // auto: fused, or bf16-chunked for bf16 from AttentionBackends.BF16_CHUNKED_MIN_KEYS keys
        assertEquals("auto", AttentionBackends.defaultBackend().name());
        assertEquals("bf16-chunked", AttentionBackends.byName("bf16-chunked").name());
        assertEquals("chunked", AttentionBackends.byName("CHUNKED").name());
        var e = assertThrows(IllegalArgumentException.class, () -> AttentionBackends.byName("flash"));
        assertTrue(e.getMessage().contains("'flash'"), e.getMessage());
        float[] ref = Ref.attention(floats(q), floats(k), floats(v), B, H, LQ, LK, D, null, null, false);
        assertClose(ref, F.attention(q, k, v, null), 1e-5, "F.attention");
    }

    @Test
    void badShapesAreRejectedBeforeWork() {
        NDArray k3 = randn(m, r, B, H, LK, D + 1);
        for (AttentionBackend a : new AttentionBackend[] {fused, chunked}) {
            var e = assertThrows(IllegalArgumentException.class, () -> a.attention(q, k3, k3, null));
            assertTrue(e.getMessage().contains("must match q"), e.getMessage());
            var e2 = assertThrows(IllegalArgumentException.class,
                    () -> a.attention(q, k, v, m.ones(new Shape(B, 1, 1, LK + 1), DataType.BOOLEAN)));
            assertTrue(e2.getMessage().contains("not broadcastable"), e2.getMessage());
            assertThrows(IllegalArgumentException.class, () -> a.attention(q.reshape(B * H, LQ, D), k, v, null));
        }
    }
}
