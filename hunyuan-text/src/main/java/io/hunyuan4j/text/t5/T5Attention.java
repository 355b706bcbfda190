package io.hunyuan4j.text.t5;

import ai.djl.ndarray.NDArray;
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
 * T5 self-attention: {@code q}, {@code k}, {@code v}, {@code o} without biases, scores {@code q k^T} WITHOUT the
 * {@code 1/sqrt(d_kv)} scaling (T5 folds it into the initialisation), plus the position bias, softmax in float32.
 * The first block alone owns {@code relative_attention_bias} [num_buckets, num_heads]; the encoder computes the
 * bias once from it ({@link #computeBias}) and every block adds the same tensor.
 *
 * <p>The scores are computed explicitly rather than through an {@code AttentionBackend}: the backends apply
 * the {@code 1/sqrt(D)} scale, and the bias is a full [B, H, L, L] tensor anyway (L is at most a few hundred).
 *
 * @see <a href="https://github.com/huggingface/transformers/blob/v4.47.0/src/transformers/models/t5/modeling_t5.py">transformers T5Attention</a>
 */
public final class T5Attention {

    private final T5Config config;
    private final Linear q;
    private final Linear k;
    private final Linear v;
    private final Linear o;
    private final @Nullable Parameter relativeAttentionBias;

    /**
     * Binds {@code q}, {@code k}, {@code v}, {@code o} and, for the first block, {@code relative_attention_bias}.
     *
     * @param hasRelativeAttentionBias whether this block owns the bias table (block 0 of the encoder)
     */
    public T5Attention(StateDict w, T5Config c, boolean hasRelativeAttentionBias) {
        this.config = c;
        long d = c.dModel();
        long inner = c.innerDim();
        this.q = new Linear(w.child("q"), d, inner, false);
        this.k = new Linear(w.child("k"), d, inner, false);
        this.v = new Linear(w.child("v"), d, inner, false);
        this.o = new Linear(w.child("o"), inner, d, false);
        this.relativeAttentionBias = hasRelativeAttentionBias
                ? w.take("relative_attention_bias.weight", c.relativeAttentionNumBuckets(), c.numHeads())
                : null;
    }

    /**
     * transformers {@code _relative_position_bucket} for one relative position (memory minus query), evaluated
     * as torch evaluates it: {@code log(n / max_exact)} in float32, divided by the float32 rounding of
     * {@code log(max_distance / max_exact)}, times the number of log buckets in float32, truncated.
     *
     * @param bidirectional true for the encoder: half the buckets for each sign
     * @return the bucket, in {@code [0, numBuckets)}
     */
    public static int relativePositionBucket(long relativePosition, boolean bidirectional, int numBuckets,
            int maxDistance) {
        int buckets = numBuckets;
        int relativeBuckets = 0;
        long n;
        if (bidirectional) {
            buckets /= 2;
            relativeBuckets += relativePosition > 0 ? buckets : 0;
            n = Math.abs(relativePosition);
        } else {
            n = -Math.min(relativePosition, 0);
        }
        // half of the buckets are for exact increments in positions
        int maxExact = buckets / 2;
        if (n < maxExact) {
            return relativeBuckets + (int) n;
        }
        // the other half are for logarithmically bigger bins in positions up to max_distance
        float ratio = (float) n / (float) maxExact;
        float logRatio = (float) Math.log(ratio);
        float logRange = (float) Math.log((double) maxDistance / maxExact);
        float scaled = logRatio / logRange * (float) (buckets - maxExact);
        long large = maxExact + (long) scaled;
        return relativeBuckets + (int) Math.min(large, buckets - 1);
    }

    /**
     * {@code relative_position_bucket} of every (query i, key j) pair: bucket(j - i), bidirectional.
     *
     * @return INT64 [queryLength, keyLength]
     */
    public static NDArray relativePositionBuckets(int queryLength, int keyLength, T5Config c, NDManager manager) {
        long[] b = new long[queryLength * keyLength];
        for (int i = 0; i < queryLength; i++) {
            for (int j = 0; j < keyLength; j++) {
                b[i * keyLength + j] = relativePositionBucket(j - i, true, c.relativeAttentionNumBuckets(),
                        c.relativeAttentionMaxDistance());
            }
        }
        return HostArrays.longs(manager, b, new Shape(queryLength, keyLength));
    }

    /**
     * {@code compute_bias}: {@code bias[0, h, i, j] = relative_attention_bias[bucket(j - i), h]}, float32.
     *
     * @return [1, H, queryLength, keyLength], in {@code manager}
     * @throws IllegalStateException if this block has no bias table
     */
    public NDArray computeBias(int queryLength, int keyLength, NDManager manager) {
        Parameter table = relativeAttentionBias;
        if (table == null) {
            throw new IllegalStateException("only the first T5 block has relative_attention_bias");
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray buckets = relativePositionBuckets(queryLength, keyLength, config, scope);
            // [L, L] -> [L, L, H] -> [1, H, L, L]
            NDArray values = F.toFloat32(F.embedding(buckets, table.array()));
            NDArray bias = values.transpose(2, 0, 1).expandDims(0).duplicate();
            bias.attach(manager);
            return bias;
        }
    }

    /**
     * Self-attention of the normed hidden states.
     *
     * @param hiddenStates [B, L, d_model]
     * @param positionBias float32, [1 or B, H, L, L]: the bias with the additive key mask already summed in
     * @return [B, L, d_model]
     */
    public NDArray forward(NDArray hiddenStates, NDArray positionBias) {
        long b = hiddenStates.getShape().get(0);
        long l = hiddenStates.getShape().get(1);
        int heads = config.numHeads();
        int d = config.dKv();
        // [B, L, inner] -> [B, H, L, D]
        NDArray queryStates = q.forward(hiddenStates).reshape(b, l, heads, d).transpose(0, 2, 1, 3);
        NDArray keyStates = k.forward(hiddenStates).reshape(b, l, heads, d).transpose(0, 2, 1, 3);
        NDArray valueStates = v.forward(hiddenStates).reshape(b, l, heads, d).transpose(0, 2, 1, 3);
        // [B, H, L, D] x [B, H, D, L] -> [B, H, L, L], no 1/sqrt(d_kv)
        NDArray scores = queryStates.matMul(keyStates.transpose(0, 1, 3, 2));
        // fp32: transformers softmax(scores.float()).type_as(scores)
        NDArray attnWeights = F.softmax(F.toFloat32(scores).add(positionBias), -1);
        attnWeights = F.castLike(attnWeights, valueStates);
        // [B, H, L, D] -> [B, L, inner]
        NDArray attnOutput = attnWeights.matMul(valueStates).transpose(0, 2, 1, 3).reshape(b, l, (long) heads * d);
        return o.forward(attnOutput);
    }

    /**
     * The additive key mask transformers builds from a 0/1 attention mask: {@code (1 - mask) * finfo.min}.
     *
     * @param attentionMask [B, L], 1 valid, 0 padding (any integer or float type)
     * @return float32 [B, 1, 1, L], in the mask's manager
     */
    public static NDArray extendedAttentionMask(NDArray attentionMask) {
        NDArray m = attentionMask.toType(DataType.FLOAT32, false);
        long b = m.getShape().get(0);
        long l = m.getShape().get(1);
        return m.neg().add(1f).mul(F.MASK_MIN).reshape(b, 1, 1, l);
    }
}
