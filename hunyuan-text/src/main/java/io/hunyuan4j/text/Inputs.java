package io.hunyuan4j.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.jspecify.annotations.Nullable;

/**
 * Checks of token inputs, done before any heavy work; shared by every text encoder of the SDK (Llama, CLIP, T5,
 * BERT).
 */
public final class Inputs {

    private Inputs() {}

    /**
     * Requires INT64/INT32 ids [B, L] with every id in {@code [0, vocabSize)}, and a 0/1 mask of the same shape.
     *
     * @throws IllegalArgumentException naming the input, the value and the rule
     */
    public static void requireTokens(NDArray inputIds, @Nullable NDArray attentionMask, long vocabSize, String who) {
        if (inputIds.getShape().dimension() != 2 || inputIds.getShape().get(1) == 0) {
            throw new IllegalArgumentException(who + ": input_ids must be [B, L] with L >= 1 but has shape "
                    + inputIds.getShape());
        }
        try (NDManager scope = NDManager.subManagerOf(inputIds)) {
            if (attentionMask == null) {
                scope.tempAttachAll(inputIds);
            } else {
                scope.tempAttachAll(inputIds, attentionMask);
            }
            check(inputIds, attentionMask, vocabSize, who);
        }
    }

    private static void check(NDArray inputIds, @Nullable NDArray attentionMask, long vocabSize, String who) {
        DataType t = inputIds.getDataType();
        if (t != DataType.INT64 && t != DataType.INT32) {
            throw new IllegalArgumentException(who + ": input_ids must be INT64 or INT32 but are " + t);
        }
        long min = inputIds.min().toType(DataType.INT64, false).getLong();
        long max = inputIds.max().toType(DataType.INT64, false).getLong();
        if (min < 0 || max >= vocabSize) {
            long bad = min < 0 ? min : max;
            throw new IllegalArgumentException(who + ": input_ids must be in [0, " + vocabSize
                    + ") (vocab_size) but contain " + bad);
        }
        if (attentionMask == null) {
            return;
        }
        if (!attentionMask.getShape().equals(inputIds.getShape())) {
            throw new IllegalArgumentException(who + ": attention_mask shape " + attentionMask.getShape()
                    + " must equal input_ids shape " + inputIds.getShape());
        }
        NDArray m = attentionMask.toType(DataType.INT64, false);
        if (m.lt(0).logicalOr(m.gt(1)).any().getBoolean()) {
            throw new IllegalArgumentException(who + ": attention_mask must hold only 0 and 1");
        }
    }
}
