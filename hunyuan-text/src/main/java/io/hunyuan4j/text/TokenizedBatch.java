package io.hunyuan4j.text;

import io.hunyuan4j.core.ops.HostArrays;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * Token ids of a batch padded on the right to one length, as a Hugging Face tokenizer returns them with
 * {@code padding="max_length", truncation=True}.
 *
 * @param inputIds [B][L] token ids, padding holds the pad id
 * @param attentionMask [B][L] 1 for tokens, 0 for padding (trailing)
 * @param truncated per row, how many tokens truncation removed (0 = none)
 */
public record TokenizedBatch(long[][] inputIds, long[][] attentionMask, int[] truncated) {

    /** Checks that the arrays describe the same rows. */
    public TokenizedBatch {
        if (inputIds.length != attentionMask.length || inputIds.length != truncated.length) {
            throw new IllegalArgumentException("inputIds, attentionMask and truncated must have one row per prompt"
                    + " but have " + inputIds.length + ", " + attentionMask.length + ", " + truncated.length);
        }
    }

    /** Number of rows B. */
    public int batchSize() {
        return inputIds.length;
    }

    /** Row length L (0 for an empty batch). */
    public int length() {
        return inputIds.length == 0 ? 0 : inputIds[0].length;
    }

    /** {@code input_ids} as INT64 [B, L]. */
    public NDArray inputIds(NDManager manager) {
        return toArray(inputIds, manager);
    }

    /** {@code attention_mask} as INT64 [B, L]. */
    public NDArray attentionMask(NDManager manager) {
        return toArray(attentionMask, manager);
    }

    private NDArray toArray(long[][] rows, NDManager manager) {
        int l = length();
        long[] flat = new long[rows.length * l];
        for (int b = 0; b < rows.length; b++) {
            System.arraycopy(rows[b], 0, flat, b * l, l);
        }
        return HostArrays.longs(manager, flat, new Shape(rows.length, l));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenizedBatch t && Arrays.deepEquals(inputIds, t.inputIds)
                && Arrays.deepEquals(attentionMask, t.attentionMask) && Arrays.equals(truncated, t.truncated);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(inputIds) * 31 + Arrays.hashCode(truncated);
    }

    @Override
    public String toString() {
        return "TokenizedBatch[B=" + batchSize() + ", L=" + length() + ", truncated=" + Arrays.toString(truncated) + "]";
    }
}
