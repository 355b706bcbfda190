package io.hunyuan4j.dit.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.ops.F;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Validates a {@link HunyuanDiTInput} against a {@link HunyuanDiTConfig} before any heavy computation: ranks,
 * channels, patch divisibility, text lengths (they must equal {@code text_len} / {@code text_len_t5}: the
 * padding rows and the pooler's positional table have those sizes), masks, meta sizes, styles, the RoPE table's
 * shape and NaN. Each failure is an {@link IllegalArgumentException} naming the diffusers keyword, its shape and the
 * rule.
 */
final class HunyuanDiTInputChecks {

    private HunyuanDiTInputChecks() {}

    /**
     * Checks everything.
     *
     * @param styles rows of the style table (0 without style conditioning)
     * @return the style ids on the host, or null for a model without style conditioning
     */
    static long @Nullable [] check(HunyuanDiTInput in, HunyuanDiTConfig c, int styles) {
        Shape s = in.hiddenStates().getShape();
        require(s.dimension() == 4, "hidden_states", s, "must have rank 4 [B, C, H, W]");
        long b = s.get(0);
        require(b >= 1, "hidden_states", s, "batch size must be >= 1");
        require(s.get(1) == c.inChannels(), "hidden_states", s,
                "must have in_channels = " + c.inChannels() + " channels (axis 1)");
        int p = c.patchSize();
        require(s.get(2) >= p && s.get(2) % p == 0, "hidden_states", s,
                "height (axis 2) must be a positive multiple of patch_size = " + p);
        require(s.get(3) >= p && s.get(3) % p == 0, "hidden_states", s,
                "width (axis 3) must be a positive multiple of patch_size = " + p);
        long tokens = (s.get(2) / p) * (s.get(3) / p);

        checkVector("timestep", in.timestep(), b);
        checkText("encoder_hidden_states", in.encoderHiddenStates(), b, c.textLen(), c.crossAttentionDim());
        checkMask("text_embedding_mask", in.textEmbeddingMask(), b, c.textLen());
        checkText("encoder_hidden_states_t5", in.encoderHiddenStatesT5(), b, c.textLenT5(), c.crossAttentionDimT5());
        checkMask("text_embedding_mask_t5", in.textEmbeddingMaskT5(), b, c.textLenT5());
        for (String name : new String[] {"cos", "sin"}) {
            NDArray t = name.equals("cos") ? in.imageRotaryEmb().cos() : in.imageRotaryEmb().sin();
            require(t.getShape().equals(new Shape(tokens, c.attentionHeadDim())), "image_rotary_emb." + name,
                    t.getShape(), "must be [N=" + tokens + " image tokens, head_dim=" + c.attentionHeadDim() + "]");
        }
        long[] style = null;
        if (c.useStyleCondAndImageMetaSize()) {
            NDArray meta = in.imageMetaSize();
            if (meta == null) {
                throw new IllegalArgumentException("image_meta_size is required by a model with"
                        + " use_style_cond_and_image_meta_size (v1.0/v1.1): [B, 6] float");
            }
            require(meta.getShape().equals(new Shape(b, HunyuanCombinedTimestepTextSizeStyleEmbedding.IMAGE_META_SIZE)),
                    "image_meta_size", meta.getShape(), "must be [B=" + b + ", 6]");
            NDArray st = in.style();
            if (st == null) {
                throw new IllegalArgumentException("style is required by a model with"
                        + " use_style_cond_and_image_meta_size (v1.0/v1.1): [B] int64");
            }
            require(st.getShape().equals(new Shape(b)) && st.getDataType() == DataType.INT64, "style", st.getShape(),
                    "must be INT64 [B=" + b + "]");
            style = st.toLongArray();
            for (long id : style) {
                if (id < 0 || id >= styles) {
                    throw new IllegalArgumentException("style " + id + " is out of range: the style table has "
                            + styles + " row(s), ids 0.." + (styles - 1));
                }
            }
        }
        for (NDArray x : new NDArray[] {in.hiddenStates(), in.encoderHiddenStates(), in.encoderHiddenStatesT5()}) {
            if (F.hasNaN(x.toType(DataType.FLOAT32, false))) {
                throw new IllegalArgumentException("an input holds NaN (hidden_states or text embeddings)");
            }
        }
        return style;
    }

    /** The distinct input arrays, to lend them to the call's manager. */
    static NDArray[] arrays(HunyuanDiTInput in) {
        Map<NDArray, Boolean> seen = new IdentityHashMap<>();
        List<NDArray> out = new ArrayList<>();
        for (NDArray a : new NDArray[] {in.hiddenStates(), in.timestep(), in.encoderHiddenStates(),
            in.textEmbeddingMask(), in.encoderHiddenStatesT5(), in.textEmbeddingMaskT5(), in.imageMetaSize(),
            in.style(), in.imageRotaryEmb().cos(), in.imageRotaryEmb().sin()}) {
            if (a != null && seen.put(a, Boolean.TRUE) == null) {
                out.add(a);
            }
        }
        return out.toArray(new NDArray[0]);
    }

    /** The distinct managers of the input arrays must be lent one by one: this lends all to {@code call}. */
    static void lend(NDManager call, HunyuanDiTInput in) {
        call.tempAttachAll(arrays(in));
    }

    private static void checkText(String name, NDArray x, long b, int len, int dim) {
        require(x.getShape().equals(new Shape(b, len, dim)), name, x.getShape(),
                "must be [B=" + b + ", " + len + ", " + dim + "] (the config's text length and width)");
    }

    private static void checkMask(String name, NDArray m, long b, int len) {
        require(m.getShape().equals(new Shape(b, len)), name, m.getShape(), "must be [B=" + b + ", " + len + "]");
    }

    private static void checkVector(String name, NDArray x, long b) {
        require(x.getShape().equals(new Shape(b)), name, x.getShape(), "must be [B=" + b + "]");
    }

    private static void require(boolean ok, String name, Shape shape, String rule) {
        if (!ok) {
            throw new IllegalArgumentException(name + " " + shape + ": " + rule);
        }
    }
}
