package io.hunyuan4j.cogvideox.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.nn.Linear;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.ops.HostArrays;
import io.hunyuan4j.core.weights.Parameter;
import io.hunyuan4j.core.weights.StateDict;
import org.jspecify.annotations.Nullable;

/**
 * diffusers {@code CogVideoXPatchEmbed}: {@code [text_proj(text) ; patches(video)]}, plus the absolute positional
 * embedding when the model has one (3D sin-cos for CogVideoX-2b, the learned {@code pos_embedding} for
 * CogVideoX-5b-I2V).
 *
 * <p>Patches: CogVideoX 1.0 applies {@code Conv2d(C, D, k=p, stride=p)} to every frame; a stride-equals-kernel
 * convolution is a linear map of each flattened (C, p, p) patch, computed here as one. CogVideoX 1.5 groups
 * {@code patch_size_t} frames and flattens (C, p_t, p, p) into an {@code nn.Linear}. Tokens are ordered t, then h,
 * then w.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/embeddings.py">diffusers CogVideoXPatchEmbed, get_3d_sincos_pos_embed</a>
 */
public final class CogVideoXPatchEmbed {

    private final CogVideoXTransformerConfig config;
    private final Parameter projWeight;
    private final @Nullable Parameter projBias;
    private final Linear textProj;
    private final @Nullable Parameter posEmbedding;

    /** Binds {@code proj}, {@code text_proj} and, for learned positions, {@code pos_embedding}. */
    public CogVideoXPatchEmbed(StateDict w, CogVideoXTransformerConfig c) {
        this.config = c;
        int p = c.patchSize();
        int d = c.innerDim();
        StateDict proj = w.child("proj");
        if (c.patchSizeT() == null) {
            this.projWeight = proj.take("weight", d, c.inChannels(), p, p);
            this.projBias = c.patchBias() ? proj.take("bias", d) : null;
        } else {
            // nn.Linear always has a bias: patch_bias applies to the Conv2d only
            this.projWeight = proj.take("weight", d, (long) c.inChannels() * p * p * c.patchSizeT());
            this.projBias = proj.take("bias", d);
        }
        this.textProj = new Linear(w.child("text_proj"), c.textEmbedDim(), d);
        this.posEmbedding = c.useLearnedPositionalEmbeddings()
                ? w.take("pos_embedding", 1, c.maxTextSeqLength() + samplePatches(c), d) : null;
    }

    /** Video tokens of the config's sample size, as {@code _get_positional_embeddings} counts them. */
    static long samplePatches(CogVideoXTransformerConfig c) {
        long frames = (c.sampleFrames() - 1) / c.temporalCompressionRatio() + 1;
        return (long) (c.sampleHeight() / c.patchSize()) * (c.sampleWidth() / c.patchSize()) * frames;
    }

    /**
     * @param textEmbeds [B, L, text_embed_dim]
     * @param imageEmbeds [B, F, C, H, W] (frames before channels)
     * @param listener receives {@code pos_embedding} when one is added
     * @return [B, L + N, D]
     */
    public NDArray forward(NDArray textEmbeds, NDArray imageEmbeds, PositionListener listener) {
        NDArray text = textProj.forward(textEmbeds);
        Shape s = imageEmbeds.getShape();
        long b = s.get(0);
        long frames = s.get(1);
        long channels = s.get(2);
        long height = s.get(3);
        long width = s.get(4);
        int p = config.patchSize();
        NDArray image;
        Parameter bias = projBias;
        NDArray b0 = bias == null ? null : bias.array();
        if (config.patchSizeT() == null) {
            // Conv2d on every frame: [B*F, C, H, W] -> [B*F, D, H/p, W/p] -> [B, F*H/p*W/p, D]
            NDArray y = F.conv2d(imageEmbeds.reshape(b * frames, channels, height, width), projWeight.array(), b0,
                    new Shape(p, p), new Shape(0, 0));
            long d = y.getShape().get(1);
            image = y.reshape(b, frames, d, (height / p) * (width / p)).transpose(0, 1, 3, 2)
                    .reshape(b, frames * (height / p) * (width / p), d);
        } else {
            int pt = config.patchSizeT();
            // [B, F, C, H, W] -> [B, F/pt, pt, H/p, p, W/p, p, C] -> [B, F/pt, H/p, W/p, C, pt, p, p] -> [B, N, -1]
            NDArray patches = imageEmbeds.transpose(0, 1, 3, 4, 2)
                    .reshape(b, frames / pt, pt, height / p, p, width / p, p, channels)
                    .transpose(0, 1, 3, 5, 7, 2, 4, 6)
                    .reshape(b, (frames / pt) * (height / p) * (width / p), channels * pt * p * p);
            image = F.linear(patches, projWeight.array(), b0);
        }
        NDArray embeds = NDArrays.concat(new NDList(text, image), 1);
        if (!config.usesAbsolutePositions()) {
            return embeds;
        }
        long preTimeCompressionFrames = (frames - 1) * config.temporalCompressionRatio() + 1;
        Parameter learned = posEmbedding;
        NDArray pos;
        if (learned != null && config.sampleHeight() == height && config.sampleWidth() == width
                && config.sampleFrames() == preTimeCompressionFrames) {
            pos = learned.array();
        } else {
            // diffusers recomputes the sin-cos table for any other size (also for a learned model's frame count)
            pos = sincosPositions(embeds.getManager(), config, height, width, preTimeCompressionFrames);
        }
        if (listener != PositionListener.NONE) {
            // a copy in the activations' manager: a learned table lives in the (capped) weight manager
            listener.onPositions(embeds.getManager().zeros(new Shape(1), DataType.FLOAT32).add(pos));
        }
        return embeds.add(F.castLike(pos, embeds));
    }

    /** Receives the positional table the forward pass adds (the golden fixtures record it). */
    @FunctionalInterface
    public interface PositionListener {
        /** Ignores it. */
        PositionListener NONE = pos -> { };

        /**
         * @param pos [1, max_text_seq_length + N, D] float32
         */
        void onPositions(NDArray pos);
    }

    /**
     * {@code _get_positional_embeddings(height, width, frames)}: zeros for the {@code max_text_seq_length} text
     * positions, then {@code get_3d_sincos_pos_embed(D, (W/p, H/p), T, spatial_scale, temporal_scale)} with
     * {@code T = (frames - 1) / temporal_compression_ratio + 1}: per token [temporal D/4 | spatial 3D/4], spatial =
     * [1D(w / scale) | 1D(h / scale)] (w first, as the reference's meshgrid), each 1D part [sin | cos]. Positions
     * are float32 (as {@code torch.arange(...) / scale}), the frequencies and sinusoids float64, the result rounded
     * to float32, as diffusers does.
     *
     * @return [1, max_text_seq_length + T * H/p * W/p, D] float32 in {@code manager}
     */
    public static NDArray sincosPositions(NDManager manager, CogVideoXTransformerConfig c, long height, long width,
            long frames) {
        int d = c.innerDim();
        int p = c.patchSize();
        int gh = (int) (height / p);
        int gw = (int) (width / p);
        int t = (int) ((frames - 1) / c.temporalCompressionRatio() + 1);
        int dimSpatial = 3 * d / 4;
        int dimTemporal = d / 4;
        int half = dimSpatial / 2; // each of the w and h parts
        // spatial table [gh * gw, 3D/4]: token (i, j) -> [1D(j / s) | 1D(i / s)]
        float[] spatial = new float[gh * gw * dimSpatial];
        float s = c.spatialInterpolationScale();
        for (int i = 0; i < gh; i++) {
            for (int j = 0; j < gw; j++) {
                int o = (i * gw + j) * dimSpatial;
                sincos1d(spatial, o, half, (float) j / s);
                sincos1d(spatial, o + half, half, (float) i / s);
            }
        }
        float[] temporal = new float[t * dimTemporal];
        for (int k = 0; k < t; k++) {
            sincos1d(temporal, k * dimTemporal, dimTemporal, (float) k / c.temporalInterpolationScale());
        }
        long n = (long) t * gh * gw;
        float[] table = new float[Math.toIntExact((c.maxTextSeqLength() + n) * d)];
        int at = c.maxTextSeqLength() * d;
        for (int k = 0; k < t; k++) {
            for (int hw = 0; hw < gh * gw; hw++) {
                System.arraycopy(temporal, k * dimTemporal, table, at, dimTemporal);
                System.arraycopy(spatial, hw * dimSpatial, table, at + dimTemporal, dimSpatial);
                at += d;
            }
        }
        return HostArrays.floats(manager, table, new Shape(1, c.maxTextSeqLength() + n, d));
    }

    /**
     * {@code get_1d_sincos_pos_embed_from_grid(dim, [pos])}: {@code [sin(pos * w) | cos(pos * w)]} with
     * {@code w = 1 / 10000^(arange(dim/2) / (dim/2))}, in float64.
     */
    private static void sincos1d(float[] out, int offset, int dim, float pos) {
        int h = dim / 2;
        for (int k = 0; k < h; k++) {
            double omega = 1.0 / Math.pow(10000.0, k / (dim / 2.0));
            double a = pos * omega;
            out[offset + k] = (float) Math.sin(a);
            out[offset + h + k] = (float) Math.cos(a);
        }
    }
}
