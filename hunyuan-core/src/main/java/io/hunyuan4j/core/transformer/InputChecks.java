package io.hunyuan4j.core.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.api.DenoiserInput;
import io.hunyuan4j.core.ops.F;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Validates a {@link DenoiserInput} against a {@link TransformerConfig} before any heavy computation: ranks,
 * channels, patch divisibility, text and mask lengths, the mask's values and trailing padding, and NaN. Each
 * failure is an {@link IllegalArgumentException} naming the parameter (by its diffusers keyword), its value and
 * the rule.
 */
final class InputChecks {

    private InputChecks() {}

    /**
     * Checks everything and returns the text mask on the host.
     *
     * @return {@code encoder_attention_mask} as [B][L] of 0/1
     */
    static float[][] check(DenoiserInput in, TransformerConfig c) {
        NDArray x = in.hiddenStates();
        Shape s = x.getShape();
        require(s.dimension() == 5, "hidden_states", s, "must have rank 5 [B, C, F, H, W]");
        long b = s.get(0);
        require(b >= 1, "hidden_states", s, "batch size must be >= 1");
        require(s.get(1) == c.inChannels(), "hidden_states", s,
                "must have in_channels = " + c.inChannels() + " channels (axis 1)");
        require(s.get(2) >= 1 && s.get(2) % c.patchSizeT() == 0, "hidden_states", s,
                "frames (axis 2) must be a positive multiple of patch_size_t = " + c.patchSizeT());
        require(s.get(3) >= 1 && s.get(3) % c.patchSize() == 0, "hidden_states", s,
                "height (axis 3) must be a positive multiple of patch_size = " + c.patchSize());
        require(s.get(4) >= 1 && s.get(4) % c.patchSize() == 0, "hidden_states", s,
                "width (axis 4) must be a positive multiple of patch_size = " + c.patchSize());

        Shape e = in.encoderHiddenStates().getShape();
        require(e.dimension() == 3 && e.get(0) == b && e.get(2) == c.textEmbedDim(), "encoder_hidden_states", e,
                "must be [B=" + b + ", L, text_embed_dim=" + c.textEmbedDim() + "]");
        require(e.get(1) >= 1, "encoder_hidden_states", e, "text length must be >= 1");
        long textLen = e.get(1);

        Shape m = in.encoderAttentionMask().getShape();
        require(m.dimension() == 2 && m.get(0) == b, "encoder_attention_mask", m, "must be [B=" + b + ", L]");
        require(m.get(1) == textLen, "encoder_attention_mask", m,
                "length " + m.get(1) + " must equal the text length L = " + textLen + " of encoder_hidden_states");

        checkVector("timestep", in.timestep(), b);
        NDArray guidance = in.guidance();
        if (c.guidanceEmbeds()) {
            if (guidance == null) {
                throw new IllegalArgumentException("guidance is null but the model has guidance_embeds=true;"
                        + " pass guidance_scale * 1000 as a [B] float32 tensor");
            }
            checkVector("guidance", guidance, b);
        }
        Shape pp = in.pooledProjections().getShape();
        require(pp.dimension() == 2 && pp.get(0) == b && pp.get(1) == c.pooledProjectionDim(),
                "pooled_projections", pp, "must be [B=" + b + ", pooled_projection_dim=" + c.pooledProjectionDim()
                        + "]");

        requireFloat32("hidden_states", x);
        requireFloat32("encoder_hidden_states", in.encoderHiddenStates());
        requireFloat32("pooled_projections", in.pooledProjections());
        requireFloat32("timestep", in.timestep());
        noNaN("hidden_states", x);
        noNaN("timestep", in.timestep());
        noNaN("encoder_hidden_states", in.encoderHiddenStates());
        noNaN("pooled_projections", in.pooledProjections());
        if (guidance != null && c.guidanceEmbeds()) {
            requireFloat32("guidance", guidance);
            noNaN("guidance", guidance);
        }
        return hostMask(in.encoderAttentionMask(), (int) b, (int) textLen);
    }

    /**
     * Reads the mask and checks it is 0/1 with at least one valid token and all padding trailing: the reference
     * builds its key mask from the mask's sum, so a hole in the middle would silently unmask the wrong tokens.
     */
    private static float[][] hostMask(NDArray mask, int b, int l) {
        DataType t = mask.getDataType();
        require(t == DataType.INT64 || t == DataType.INT32 || t == DataType.FLOAT32 || t == DataType.BOOLEAN
                || t == DataType.INT8 || t == DataType.UINT8, "encoder_attention_mask", t,
                "dtype must be one of INT64, INT32, FLOAT32, BOOLEAN, INT8, UINT8");
        float[] flat = mask.toType(DataType.FLOAT32, false).toFloatArray();
        float[][] out = new float[b][l];
        for (int i = 0; i < b; i++) {
            int firstPad = -1;
            for (int j = 0; j < l; j++) {
                float v = flat[i * l + j];
                if (v != 0f && v != 1f) {
                    throw new IllegalArgumentException("encoder_attention_mask[" + i + ", " + j + "] = " + v
                            + ": mask values must be 0 (padding) or 1 (valid)");
                }
                if (v == 0f && firstPad < 0) {
                    firstPad = j;
                } else if (v == 1f && firstPad >= 0) {
                    throw new IllegalArgumentException("encoder_attention_mask[" + i + "] = "
                            + Arrays.toString(Arrays.copyOfRange(flat, i * l, (i + 1) * l))
                            + " has a valid token at position " + j + " after padding at position " + firstPad
                            + ": padding must be trailing (valid tokens first), as the reference builds the"
                            + " attention mask from the mask's sum");
                }
                out[i][j] = v;
            }
            if (firstPad == 0) {
                throw new IllegalArgumentException("encoder_attention_mask[" + i + "] has no valid token:"
                        + " at least one text token must be valid (the refiner's masked mean divides by the count)");
            }
        }
        return out;
    }

    private static void checkVector(String name, NDArray v, long b) {
        Shape s = v.getShape();
        require(s.dimension() == 1 && (s.get(0) == b || s.get(0) == 1), name, s,
                "must be a 1-D tensor of length B = " + b + " (or 1)");
    }

    private static void requireFloat32(String name, NDArray v) {
        require(v.getDataType() == DataType.FLOAT32, name, v.getDataType(), "dtype must be FLOAT32");
    }

    private static void noNaN(String name, NDArray v) {
        if (F.hasNaN(v)) {
            throw new IllegalArgumentException(name + " contains NaN (shape " + v.getShape()
                    + "): inputs must be finite numbers");
        }
    }

    private static void require(boolean ok, String name, Object value, String rule) {
        if (!ok) {
            throw new IllegalArgumentException(name + " " + value + ": " + rule);
        }
    }

    /** Lends every distinct input to {@code call}, so results of ops on them land in the call scope. */
    static void tempAttachDistinct(NDManager call, DenoiserInput in) {
        Map<NDArray, Boolean> seen = new IdentityHashMap<>();
        List<NDArray> list = new ArrayList<>();
        for (@Nullable NDArray a : new NDArray[] {in.hiddenStates(), in.timestep(), in.encoderHiddenStates(),
                in.encoderAttentionMask(), in.pooledProjections(), in.guidance()}) {
            if (a != null && seen.put(a, Boolean.TRUE) == null) {
                list.add(a);
            }
        }
        call.tempAttachAll(list.toArray(new NDArray[0]));
    }
}
