package io.hunyuan4j.core.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/**
 * Measures the bf16 ops of {@link F} against float32 over the shapes the models use and their neighbours: conv3d
 * over input/output channel counts 1..33 for the DiT patch embedding (kernel = stride) and the VAE's causal
 * 3x3x3 and 1x1x1 convolutions, conv2d over the same counts for the 2D {@code AutoencoderKL}'s 3x3, strided
 * 3x3 and 1x1 convolutions, linear with odd feature counts, attention with boolean key masks and odd head
 * dims, and the layer/group/RMS norms. docs/bf16-cpu.md explains why: libtorch's bf16 kernels are CPU-specific
 * code, and some of them have been wrong on some CPUs.
 *
 * <p>Every case rounds its inputs and weights to bf16 once. The reference is the float32 op on those rounded
 * values, so the error measured is the bf16 op's own (its accumulation and the rounding of its result): a few
 * bf16 ulps (2^-8 relative) for a correct kernel, whatever the CPU. Error = {@code max|got - ref| / max|ref|}.
 *
 * <p>Two columns: {@link Row#sdkErr} is F's bf16 op, what the models run; {@link Row#fusedErr} is libtorch's bf16
 * op on the raw shapes where F routes around it (conv3d, conv2d), else the same as sdkErr. Inputs are deterministic
 * (seeded), so a run is reproducible on one machine. Used by the ops tests and by the examples' bf16 probe.
 */
public final class Bf16Sweep {

    /** How many cases. */
    public enum Extent {
        /** A few hundred cases, every channel count 1..33 once per kernel class: a few seconds. */
        QUICK,
        /** Every (in, out) channel pair 1..33 for batch 1 and 2 per kernel class: minutes. */
        FULL
    }

    /**
     * One case.
     *
     * @param op the F op, with the kernel class for conv3d (e.g. {@code conv3d k1x2x2 s1x2x2})
     * @param config shapes and options
     * @param fusedErr error of libtorch's bf16 op on the raw shapes (NaN when not measured)
     * @param sdkErr error of F's bf16 op
     */
    public record Row(String op, String config, double fusedErr, double sdkErr) {}

    /** A convolution class: kernel, stride, zero padding, and replicate padding applied first (causal VAE). */
    private record ConvClass(String name, long[] kernel, long[] stride, long[] padding, long @Nullable [] replicate,
            long[] spatial) {}

    private static final List<ConvClass> CONVS = List.of(
            // DiT x_embedder: Conv3d(kernel = stride = (patch_t, p, p)); odd H, W drop their last row/column
            new ConvClass("k1x2x2 s1x2x2", l(1, 2, 2), l(1, 2, 2), l(0, 0, 0), null, l(3, 5, 7)),
            // the same with a width-1 output (one patch column)
            new ConvClass("k1x2x2 s1x2x2 narrow", l(1, 2, 2), l(1, 2, 2), l(0, 0, 0), null, l(2, 4, 3)),
            // VAE 1x1x1 (conv_shortcut, quant_conv, post_quant_conv)
            new ConvClass("k1x1x1 s1", l(1, 1, 1), l(1, 1, 1), l(0, 0, 0), null, l(3, 5, 7)),
            // VAE CausalConv3d: replicate pad (1, 1, 1, 1, 2, 0), then 3x3x3 without padding
            new ConvClass("causal k3x3x3 s1", l(3, 3, 3), l(1, 1, 1), l(0, 0, 0), l(1, 1, 1, 1, 2, 0), l(3, 5, 7)),
            // VAE downsampling CausalConv3d, stride (2, 2, 2) / (1, 2, 2)
            new ConvClass("causal k3x3x3 s2x2x2", l(3, 3, 3), l(2, 2, 2), l(0, 0, 0), l(1, 1, 1, 1, 2, 0),
                    l(3, 5, 7)),
            new ConvClass("causal k3x3x3 s1x2x2", l(3, 3, 3), l(1, 2, 2), l(0, 0, 0), l(1, 1, 1, 1, 2, 0),
                    l(2, 3, 2)),
            // zero-padded 1x3x3 (the ops tests' case)
            new ConvClass("k1x3x3 p0x1x1", l(1, 3, 3), l(1, 1, 1), l(0, 1, 1), null, l(3, 4, 5)));

    private static final int MAX_CHANNELS = 33;

    /**
     * A 2D convolution class (the SD/SDXL {@code AutoencoderKL}): kernel, stride, zero padding, and a constant
     * (right, bottom) zero pad applied first ({@code Downsample2D}).
     */
    private record Conv2dClass(String name, long kernel, long stride, long padding, boolean padRightBottom,
            long[] spatial) {}

    private static final List<Conv2dClass> CONVS_2D = List.of(
            // ResnetBlock2D conv1/conv2, Upsample2D conv, conv_in / conv_out: 3x3, padding 1
            new Conv2dClass("k3x3 p1", 3, 1, 1, false, l(5, 7)),
            // Downsample2D: F.pad (0, 1, 0, 1), then 3x3 stride 2 without padding
            new Conv2dClass("k3x3 s2 pad(0,1,0,1)", 3, 2, 0, true, l(5, 6)),
            // conv_shortcut, quant_conv, post_quant_conv
            new Conv2dClass("k1x1", 1, 1, 0, false, l(5, 7)));


    private Bf16Sweep() {}

    /**
     * Runs the sweep on the manager's device. Needs the kernel library (bf16 exists only through it).
     *
     * @param manager where the case tensors live (each case in a sub-manager, closed before the next)
     * @param extent how many cases
     * @param measureFused whether to measure libtorch's bf16 op on the raw shapes where F routes around it
     * @return one row per case, in a fixed order
     */
    public static List<Row> run(NDManager manager, Extent extent, boolean measureFused) {
        Random r = new Random(20260);
        List<Row> rows = new ArrayList<>();
        conv3d(manager, r, extent, measureFused, rows);
        conv2d(manager, r, extent, measureFused, rows);
        linear(manager, r, extent, rows);
        attention(manager, r, extent, rows);
        norms(manager, r, rows);
        return rows;
    }

    private static void conv3d(NDManager m, Random r, Extent extent, boolean fused, List<Row> rows) {
        for (ConvClass cc : CONVS) {
            for (int b = 1; b <= 2; b++) {
                for (int ci = 1; ci <= MAX_CHANNELS; ci++) {
                    for (int co = 1; co <= MAX_CHANNELS; co++) {
                        // QUICK: each ci once, each co once (a permutation), batch alternating
                        if (extent == Extent.QUICK && (co != quickPartner(ci) || b != 1 + ci % 2)) {
                            continue;
                        }
                        rows.add(convCase(m, r, cc, b, ci, co, fused));
                    }
                }
            }
        }
    }

    /** co = 7 ci mod 34, a permutation of 1..33 mixing small with large counts. */
    private static int quickPartner(int ci) {
        return (7 * ci) % (MAX_CHANNELS + 1);
    }

    private static Row convCase(NDManager parent, Random r, ConvClass cc, int b, int ci, int co, boolean fused) {
        try (NDManager m = parent.newSubManager()) {
            long[] sp = cc.spatial();
            long fanIn = ci * cc.kernel()[0] * cc.kernel()[1] * cc.kernel()[2];
            NDArray x = bf16(randn(m, r, 1, b, ci, sp[0], sp[1], sp[2]));
            NDArray w = bf16(randn(m, r, 1 / Math.sqrt(fanIn), co, ci, cc.kernel()[0], cc.kernel()[1],
                    cc.kernel()[2]));
            boolean withBias = (ci + co) % 3 != 0;
            NDArray bias = withBias ? bf16(randn(m, r, 0.1, co)) : null;
            if (cc.replicate() != null) {
                x = F.padReplicate(x, cc.replicate());
            }
            Shape stride = new Shape(cc.stride());
            Shape padding = new Shape(cc.padding());
            NDArray xr = F.toFloat32(x);
            NDArray ref = F.conv3d(xr, F.toFloat32(w), bias == null ? null : F.toFloat32(bias), stride, padding);
            double sdk = relErr(F.conv3d(x, w, bias, stride, padding), ref);
            double raw = fused ? relErr(F.conv3dFused(x, w, bias, stride, padding), ref) : Double.NaN;
            String config = String.format("b%d c%d->%d in %dx%dx%d%s", b, ci, co, sp[0], sp[1], sp[2],
                    withBias ? "" : " nobias");
            return new Row("conv3d " + cc.name(), config, raw, sdk);
        }
    }

    private static void conv2d(NDManager m, Random r, Extent extent, boolean fused, List<Row> rows) {
        for (Conv2dClass cc : CONVS_2D) {
            for (int b = 1; b <= 2; b++) {
                for (int ci = 1; ci <= MAX_CHANNELS; ci++) {
                    for (int co = 1; co <= MAX_CHANNELS; co++) {
                        if (extent == Extent.QUICK && (co != quickPartner(ci) || b != 1 + ci % 2)) {
                            continue;
                        }
                        rows.add(conv2dCase(m, r, cc, b, ci, co, fused));
                    }
                }
            }
        }
    }

    private static Row conv2dCase(NDManager parent, Random r, Conv2dClass cc, int b, int ci, int co, boolean fused) {
        try (NDManager m = parent.newSubManager()) {
            long[] sp = cc.spatial();
            long k = cc.kernel();
            NDArray x = bf16(randn(m, r, 1, b, ci, sp[0], sp[1]));
            NDArray w = bf16(randn(m, r, 1 / Math.sqrt(ci * k * k), co, ci, k, k));
            boolean withBias = (ci + co) % 3 != 0;
            NDArray bias = withBias ? bf16(randn(m, r, 0.1, co)) : null;
            if (cc.padRightBottom()) {
                x = F.toBf16(F.toFloat32(x).pad(new Shape(0, 1, 0, 1), 0));
            }
            Shape stride = new Shape(cc.stride(), cc.stride());
            Shape padding = new Shape(cc.padding(), cc.padding());
            NDArray ref = F.conv2d(F.toFloat32(x), F.toFloat32(w), bias == null ? null : F.toFloat32(bias), stride,
                    padding);
            double sdk = relErr(F.conv2d(x, w, bias, stride, padding), ref);
            double raw = fused ? relErr(F.conv2dFused(x, w, bias, stride, padding), ref) : Double.NaN;
            String config = String.format("b%d c%d->%d in %dx%d%s", b, ci, co, sp[0], sp[1],
                    withBias ? "" : " nobias");
            return new Row("conv2d " + cc.name(), config, raw, sdk);
        }
    }

    private static void linear(NDManager parent, Random r, Extent extent, List<Row> rows) {
        int[] rowCounts = {1, 7, 30};
        for (int in = 1; in <= MAX_CHANNELS; in++) {
            for (int out = 1; out <= MAX_CHANNELS; out++) {
                if (extent == Extent.QUICK && out != quickPartner(in)) {
                    continue;
                }
                int n = rowCounts[(in + out) % rowCounts.length];
                boolean withBias = (in + out) % 2 == 0;
                boolean mixed = in % 4 == 0; // float32 activation, bf16 weights
                try (NDManager m = parent.newSubManager()) {
                    NDArray x = bf16(randn(m, r, 1, 2, n, in));
                    NDArray w = bf16(randn(m, r, 1 / Math.sqrt(in), out, in));
                    NDArray b = withBias ? bf16(randn(m, r, 0.1, out)) : null;
                    NDArray ref = F.linear(F.toFloat32(x), F.toFloat32(w), b == null ? null : F.toFloat32(b));
                    NDArray got = F.linear(mixed ? F.toFloat32(x) : x, w, b);
                    double e = relErr(got, ref);
                    rows.add(new Row("linear", String.format("[2, %d, %d] -> %d%s%s", n, in, out,
                            withBias ? "" : " nobias", mixed ? " (f32 x)" : ""), e, e));
                }
            }
        }
    }

    private static void attention(NDManager parent, Random r, Extent extent, List<Row> rows) {
        int[] heads = {1, 3};
        int[] dims = extent == Extent.QUICK ? new int[] {10, 12, 20, 16} : new int[] {4, 8, 10, 12, 16, 20, 24, 33, 64};
        int[][] lengths = {{7, 7}, {13, 13}, {30, 30}, {5, 13}};
        String[] masks = {"none", "bool key", "bool full", "float key", "causal"};
        for (int d : dims) {
            for (int li = 0; li < lengths.length; li++) {
                for (String mask : masks) {
                    int b = 1 + (d + li) % 2;
                    int h = heads[(d + li + mask.length()) % heads.length];
                    int lq = lengths[li][0];
                    int lk = lengths[li][1];
                    if (mask.equals("causal") && lq != lk) {
                        continue;
                    }
                    for (AttentionBackend backend : List.of(new FusedAttention(),
                            new ChunkedAttention())) {
                        // QUICK: the composed backend only with the models' mask (a boolean key mask)
                        boolean composed = backend instanceof ChunkedAttention;
                        if (extent == Extent.QUICK && composed && !mask.equals("bool key")) {
                            continue;
                        }
                        rows.add(attentionCase(parent, r, backend, b, h, lq, lk, d, mask));
                    }
                }
            }
        }
    }

    private static Row attentionCase(NDManager parent, Random r, AttentionBackend backend, int b, int h, int lq,
            int lk, int d, String mask) {
        try (NDManager m = parent.newSubManager()) {
            NDArray q = bf16(randn(m, r, 1, b, h, lq, d));
            NDArray k = bf16(randn(m, r, 1, b, h, lk, d));
            NDArray v = bf16(randn(m, r, 1, b, h, lk, d));
            NDArray mk = switch (mask) {
                case "none", "causal" -> null;
                case "bool key" -> keyMask(m, b, lk);
                case "float key" -> F.additiveMask(keyMask(m, b, lk));
                case "bool full" -> fullMask(m, r, b, lq, lk);
                default -> throw new IllegalArgumentException(mask);
            };
            boolean causal = mask.equals("causal");
            NDArray ref = backend.attention(F.toFloat32(q), F.toFloat32(k), F.toFloat32(v), mk, causal);
            double e = relErr(backend.attention(q, k, v, mk, causal), ref);
            return new Row("attention " + backend.name(), String.format("b%d h%d lq%d lk%d d%d mask %s", b, h, lq, lk,
                    d, mask), e, e);
        }
    }

    /** [B, 1, 1, Lk]: item i sees its first Lk - 2i keys (uneven padding, never empty). */
    private static NDArray keyMask(NDManager m, int b, int lk) {
        boolean[] valid = new boolean[b * lk];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < lk - 2 * i; j++) {
                valid[i * lk + j] = true;
            }
        }
        return m.create(valid, new Shape(b, 1, 1, lk));
    }

    /** [B, 1, Lq, Lk] random, each row with its first key allowed. */
    private static NDArray fullMask(NDManager m, Random r, int b, int lq, int lk) {
        boolean[] valid = new boolean[b * lq * lk];
        for (int i = 0; i < valid.length; i++) {
            valid[i] = i % lk == 0 || r.nextBoolean();
        }
        return m.create(valid, new Shape(b, 1, lq, lk));
    }

    private static void norms(NDManager parent, Random r, List<Row> rows) {
        int[] widths = {6, 10, 12, 20, 33};
        for (int c : widths) {
            normCase(parent, r, rows, "layer_norm", "[2, 7, " + c + "]", c,
                    (x, w) -> F.layerNorm(x, 1e-6f), 2, 7, c);
            normCase(parent, r, rows, "layer_norm affine", "[2, 7, " + c + "]", c,
                    (x, w) -> F.layerNorm(x, w[0], w[1], 1e-6f), 2, 7, c);
            normCase(parent, r, rows, "rms_norm", "[2, 3, 7, " + c + "]", c,
                    (x, w) -> F.rmsNorm(x, w[0], 1e-6f), 2, 3, 7, c);
        }
        int[][] groups = {{6, 2}, {6, 3}, {12, 4}, {20, 5}, {32, 32}, {33, 11}};
        for (int[] g : groups) {
            int c = g[0];
            int gr = g[1];
            normCase(parent, r, rows, "group_norm", "[2, " + c + ", 3, 5, 7] groups " + gr, c,
                    (x, w) -> F.groupNorm(x, gr, w[0], w[1], 1e-6f), 2, c, 3, 5, 7);
        }
    }

    private static void normCase(NDManager parent, Random r, List<Row> rows, String op, String config, int c,
            java.util.function.BiFunction<NDArray, NDArray[], NDArray> f, long... shape) {
        try (NDManager m = parent.newSubManager()) {
            NDArray x = bf16(randn(m, r, 1, shape).mul(3).add(0.5));
            NDArray[] w = {bf16(randn(m, r, 0.1, c).add(1)), bf16(randn(m, r, 0.1, c))};
            NDArray[] w32 = {F.toFloat32(w[0]), F.toFloat32(w[1])};
            NDArray ref = f.apply(F.toFloat32(x), w32);
            double e = relErr(f.apply(x, w), ref);
            rows.add(new Row(op, config, e, e));
        }
    }

    // ---- helpers ----

    private static long[] l(long... v) {
        return v;
    }

    private static NDArray randn(NDManager m, Random r, double scale, long... shape) {
        Shape s = new Shape(shape);
        float[] a = new float[Math.toIntExact(s.size())];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (scale * r.nextGaussian());
        }
        return m.create(a, s);
    }

    private static NDArray bf16(NDArray x) {
        return F.toBf16(x);
    }

    /** max|got - ref| / max|ref| in float32 (got may be bf16). */
    static double relErr(NDArray got, NDArray ref) {
        if (!got.getShape().equals(ref.getShape())) {
            throw new IllegalStateException("bf16 result shape " + got.getShape() + " differs from the float32 "
                    + "reference's " + ref.getShape());
        }
        NDArray g = got.toType(DataType.FLOAT32, false);
        double diff = g.sub(ref).abs().max().getFloat();
        double scale = ref.abs().max().getFloat();
        return scale == 0 ? diff : diff / scale;
    }
}
