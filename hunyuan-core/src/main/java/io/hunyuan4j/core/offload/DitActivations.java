package io.hunyuan4j.core.offload;

import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.offload.MemoryPlanner.PlanRequest;

/**
 * The HunyuanVideo DiT's activation terms at one generation size, shared by {@link MemoryPlanner} (text-to-video)
 * and {@link ImageToVideoMemory} (whose text tokens include the interleaved image tokens), so that both plans
 * follow one model of a block's peak (element size e of the compute dtype):
 * S = N video tokens + text tokens, one stream [S, D]; a block holds {@link MemoryPlanner#DUAL_BLOCK_STREAMS} or
 * {@link MemoryPlanner#SINGLE_BLOCK_STREAMS} streams plus {@link #common()}: the feed-forward chunk
 * (min({@link MemoryPlanner#FF_CHUNK_TOKENS}, S) x mlp width, twice), {@link MemoryPlanner#ENGINE_OVERHEAD_BYTES},
 * the float32 RoPE tables [N, head dim] (cos, sin) and the float32 latents, noise prediction and scheduler output.
 *
 * @param hidden D, heads x head dim
 * @param stream bytes of one stream [S, D]
 * @param common bytes every block phase holds beside its streams
 */
record DitActivations(long hidden, long stream, long common) {

    /**
     * The terms for a transformer config (diffusers {@code HunyuanVideoTransformer3DModel} keys) and a request.
     *
     * @param textTokens the text tokens joined to the video tokens
     * @param e bytes per element of the compute dtype
     */
    static DitActivations of(JsonConfig c, PlanRequest r, long textTokens, long e) {
        long headDim = c.getInt("attention_head_dim", 128);
        long d = c.getInt("num_attention_heads", 24) * headDim;
        long mlp = (long) (d * c.getFloat("mlp_ratio", 4.0f));
        int p = c.getInt("patch_size", 2);
        int pt = c.getInt("patch_size_t", 1);
        long channels = c.getInt("in_channels", 16);
        long latentT = (r.frames() - 1) / 4 + 1;
        long latentH = r.height() / 8;
        long latentW = r.width() / 8;
        long n = (latentT / pt) * (latentH / p) * (latentW / p);
        long s = n + textTokens;
        long ffChunk = 2L * Math.min(MemoryPlanner.FF_CHUNK_TOKENS, s) * mlp * e;
        long common = ffChunk + MemoryPlanner.ENGINE_OVERHEAD_BYTES + 2L * n * headDim * 4
                + 3L * channels * latentT * latentH * latentW * 4;
        return new DitActivations(d, s * d * e, common);
    }

    /** A dual-stream block's peak. */
    long dualBlock() {
        return (long) (MemoryPlanner.DUAL_BLOCK_STREAMS * stream) + common;
    }

    /** A single-stream block's peak. */
    long singleBlock() {
        return (long) (MemoryPlanner.SINGLE_BLOCK_STREAMS * stream) + common;
    }
}
