package io.hunyuan4j.core.cache;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * The transformer blocks of one denoiser forward pass as a cache strategy sees them: the dual-stream blocks, then
 * the single-stream blocks, indexed 0 to {@link #size()} - 1 in the order diffusers' hooks enumerate them
 * ({@code transformer_blocks.*}, then {@code single_transformer_blocks.*}). A block that is not run is not
 * onloaded under block offload.
 */
public interface BlockStack {

    /** Number of blocks. */
    int size();

    /**
     * Runs blocks {@code [from, to)}.
     *
     * @param in the streams entering block {@code from}; consumed (closed) by the call
     * @return the streams leaving block {@code to - 1}, in {@link #manager()}
     */
    BlockStreams run(int from, int to, BlockStreams in);

    /**
     * The first dual-stream block's modulated input {@code norm1(hidden_states, temb)} (TeaCache's indicator).
     *
     * @param hiddenStates latent tokens entering the first block; not consumed
     * @return [B, N, C] in {@link #manager()}
     */
    NDArray modulatedInput(NDArray hiddenStates);

    /** The manager of the forward pass: what a strategy returns must live here. */
    NDManager manager();

    /**
     * The submodules whose outputs the blocks ask {@link CacheContext#moduleHook(String)} for, by diffusers'
     * module names ({@code transformer_blocks.0.attn}, ...), in call order; none by default.
     */
    default List<String> hookableModules() {
        return List.of();
    }
}
