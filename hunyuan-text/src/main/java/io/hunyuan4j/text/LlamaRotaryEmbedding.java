package io.hunyuan4j.text;

import io.hunyuan4j.core.ops.HostArrays;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position tables of the Llama encoder in the {@code rotate_half} layout: {@code cos/sin(cat(freqs,
 * freqs))} with {@code freqs[p, i] = p * inv_freq[i]}, {@code inv_freq[i] = 1 / theta^(2i / head_dim)},
 * optionally rescaled by the llama3 rule. Computed in float32 like transformers.
 *
 * @see <a href="https://github.com/huggingface/transformers/blob/v4.47.0/src/transformers/modeling_rope_utils.py">transformers _compute_default_rope_parameters / _compute_llama3_parameters</a>
 */
public final class LlamaRotaryEmbedding {

    private final float[] invFreq;

    /** From the config's head dim, theta and scaling. */
    public LlamaRotaryEmbedding(LlamaConfig config) {
        this.invFreq = invFreq(config);
    }

    /** Cos and sin tables, each [L, head_dim]. */
    public record Tables(NDArray cos, NDArray sin) { }

    /** Tables for positions {@code 0..length-1} (transformers' default position ids). */
    public Tables forward(int length, NDManager manager) {
        int half = invFreq.length;
        int d = 2 * half;
        float[] cos = new float[length * d];
        float[] sin = new float[length * d];
        for (int p = 0; p < length; p++) {
            for (int i = 0; i < half; i++) {
                float angle = (float) p * invFreq[i];
                float c = (float) Math.cos(angle);
                float s = (float) Math.sin(angle);
                cos[p * d + i] = c;
                cos[p * d + half + i] = c;
                sin[p * d + i] = s;
                sin[p * d + half + i] = s;
            }
        }
        return new Tables(HostArrays.floats(manager, cos, new Shape(length, d)),
                HostArrays.floats(manager, sin, new Shape(length, d)));
    }

    static float[] invFreq(LlamaConfig c) {
        int half = c.headDim() / 2;
        float[] inv = new float[half];
        for (int i = 0; i < half; i++) {
            // 1.0 / (base ** (arange(0, dim, 2).float() / dim)), in float32
            float exponent = (float) (2 * i) / c.headDim();
            inv[i] = 1f / (float) Math.pow(c.ropeTheta(), exponent);
        }
        LlamaConfig.RopeScaling s = c.ropeScaling();
        if (s == null) {
            return inv;
        }
        double lowFreqWavelen = s.originalMaxPositionEmbeddings() / s.lowFreqFactor();
        double highFreqWavelen = s.originalMaxPositionEmbeddings() / s.highFreqFactor();
        for (int i = 0; i < half; i++) {
            double wavelen = 2 * Math.PI / inv[i];
            if (wavelen > lowFreqWavelen) {
                inv[i] = (float) (inv[i] / s.factor());
            } else if (wavelen >= highFreqWavelen) {
                // medium frequencies: interpolate between scaled and unscaled
                double smooth = (s.originalMaxPositionEmbeddings() / wavelen - s.lowFreqFactor())
                        / (s.highFreqFactor() - s.lowFreqFactor());
                inv[i] = (float) ((1 - smooth) * inv[i] / s.factor() + smooth * inv[i]);
            }
        }
        return inv;
    }
}
