package io.hunyuan4j.core.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;

/**
 * What diffusers' token-replace blocks take beside {@code temb} ({@code image_condition_type="token_replace"}):
 * the first latent frame's tokens, which hold the clean image latent, are modulated by {@code token_replace_emb}
 * (the conditioning of timestep 0) instead of {@code temb}.
 *
 * <p>Every token-replace step of the reference is token-wise ({@code x[:, :n]} one way, {@code x[:, n:]} the
 * other, concatenated), so the helpers here split, map each part, and concatenate.
 *
 * @param tokenReplaceEmb [B, inner_dim], compute dtype
 * @param firstFrameNumTokens {@code post_patch_height * post_patch_width}: the leading latent tokens it applies to
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/transformers/transformer_hunyuan_video.py">diffusers HunyuanVideoTokenReplaceTransformerBlock</a>
 */
public record TokenReplace(NDArray tokenReplaceEmb, long firstFrameNumTokens) {

    /** Validates the token count. */
    public TokenReplace {
        if (firstFrameNumTokens <= 0) {
            throw new IllegalArgumentException("firstFrameNumTokens must be > 0 but is " + firstFrameNumTokens);
        }
    }

    /**
     * {@code cat([zero(x[:, :n]), orig(x[:, n:])], dim=1)}.
     *
     * @param x [B, N, C]
     */
    NDArray split(NDArray x, UnaryOperator<NDArray> zero, UnaryOperator<NDArray> orig) {
        NDArray a = zero.apply(x.get(new NDIndex(":, :{}", firstFrameNumTokens)));
        NDArray b = orig.apply(x.get(new NDIndex(":, {}:", firstFrameNumTokens)));
        return NDArrays.concat(new NDList(a, b), 1);
    }

    /**
     * {@code cat([zero(x[:, :n], y[:, :n]), orig(x[:, n:], y[:, n:])], dim=1)} for two token-aligned inputs.
     *
     * @param x [B, N, C]
     * @param y [B, N, C']
     */
    NDArray split(NDArray x, NDArray y, BinaryOperator<NDArray> zero, BinaryOperator<NDArray> orig) {
        NDIndex head = new NDIndex(":, :{}", firstFrameNumTokens);
        NDIndex tail = new NDIndex(":, {}:", firstFrameNumTokens);
        NDArray a = zero.apply(x.get(head), y.get(head));
        NDArray b = orig.apply(x.get(tail), y.get(tail));
        return NDArrays.concat(new NDList(a, b), 1);
    }
}
