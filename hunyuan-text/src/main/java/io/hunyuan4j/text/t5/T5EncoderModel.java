package io.hunyuan4j.text.t5;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.nn.RmsNorm;
import io.hunyuan4j.core.nn.Scoped;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.Parameter;
import io.hunyuan4j.core.weights.StateDict;
import io.hunyuan4j.core.weights.TensorSource;
import io.hunyuan4j.text.Inputs;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * transformers {@code T5EncoderModel}: {@code shared} token embeddings (not scaled, no absolute positions), the
 * encoder blocks with one position bias computed by block 0 and shared by all, and {@code final_layer_norm}.
 * CogVideoX's T5-XXL and HunyuanDiT's mT5-XL are both this model.
 *
 * <p><b>Checkpoints.</b> {@code encoder.embed_tokens.weight} is tied to {@code shared.weight}; transformers saves
 * one copy ({@code shared.weight}). A checkpoint that also stores {@code encoder.embed_tokens.weight} is accepted
 * and that copy is not used.
 *
 * <p><b>Streaming.</b> With {@code streamLayers}, each block's weights are read from the (memory-mapped)
 * checkpoint when the forward pass reaches it and released right after, as is the embedding table, so the
 * 4.8B-parameter T5-XXL never holds its 19 GB of float32 weights at once.
 *
 * <p><b>Precision.</b> The encoder computes in its weights' dtype; the position bias, the mask and the softmax
 * are float32; the returned states are float32 either way.
 *
 * @see <a href="https://github.com/huggingface/transformers/blob/v4.47.0/src/transformers/models/t5/modeling_t5.py">transformers T5EncoderModel, T5Stack</a>
 */
public final class T5EncoderModel {

    private final T5Config config;
    private final Parameter shared;
    private final List<T5Block> block;
    private final List<List<Parameter>> blockParameters;
    private final RmsNorm finalLayerNorm;
    private final List<Parameter> finalLayerNormParameters;
    private final boolean streamLayers;

    /**
     * What the encoder returns (float32, in the input's manager).
     *
     * @param hiddenStates transformers' {@code hidden_states} with {@code output_hidden_states=True}: the
     *     embeddings, the output of every block but the last, then {@code last_hidden_state}
     *     ({@link T5Config#numHiddenStates()} arrays [B, L, d_model]); empty unless asked for
     * @param blockOutputs the raw output of every block (the last one is not among the hidden states); empty
     *     unless asked for
     * @param lastHiddenState {@code final_layer_norm} of the last block's output [B, L, d_model]
     * @param positionBias what every block adds to its scores: the relative-position bias [1, H, L, L] plus, with
     *     an attention mask, the additive key mask ([B, H, L, L])
     */
    public record Output(List<NDArray> hiddenStates, List<NDArray> blockOutputs, NDArray lastHiddenState,
            NDArray positionBias) {

        /** Copies the lists. */
        public Output {
            hiddenStates = List.copyOf(hiddenStates);
            blockOutputs = List.copyOf(blockOutputs);
        }
    }

    /**
     * Binds {@code shared}, {@code encoder.block.<i>}, {@code encoder.final_layer_norm}.
     *
     * @param streamLayers release each block's weights after using them (see the class comment)
     */
    public T5EncoderModel(StateDict w, T5Config config, boolean streamLayers) {
        this.config = config;
        this.streamLayers = streamLayers;
        this.shared = w.take("shared.weight", config.vocabSize(), config.dModel());
        StateDict encoder = w.child("encoder");
        Parameter tied = encoder.takeOptional("embed_tokens.weight", config.vocabSize(), config.dModel());
        if (tied != null) {
            tied.release(); // same values as shared.weight
        }
        List<T5Block> blocks = new ArrayList<>();
        List<List<Parameter>> params = new ArrayList<>();
        for (int i = 0; i < config.numLayers(); i++) {
            int before = w.boundParameters().size();
            blocks.add(new T5Block(encoder.child("block", i), config, i == 0));
            params.add(w.boundParameters().subList(before, w.boundParameters().size()));
        }
        this.block = List.copyOf(blocks);
        this.blockParameters = List.copyOf(params);
        int before = w.boundParameters().size();
        this.finalLayerNorm = new RmsNorm(encoder.child("final_layer_norm"), config.dModel(),
                config.layerNormEpsilon());
        this.finalLayerNormParameters = w.boundParameters().subList(before, w.boundParameters().size());
    }

    /**
     * Binds a checkpoint as a prompt encoder loads it: {@link LoadMode#LAZY} streams the blocks on every call
     * (nothing stays resident), {@link LoadMode#EAGER} loads every weight now, {@link LoadMode#SHAPE_ONLY} binds
     * names and shapes only.
     *
     * @param where a label for messages, e.g. {@code "text_encoder/"}
     * @throws io.hunyuan4j.core.weights.CheckpointMismatchException if names or shapes differ from the config
     */
    public static T5EncoderModel bind(TensorSource source, T5Config config, NDManager weights,
            ComponentOptions options, String where) {
        LoadMode mode = options.loadMode();
        StateDict w = StateDict.load(source, weights, mode == LoadMode.SHAPE_ONLY ? LoadMode.SHAPE_ONLY : LoadMode.LAZY,
                options.computeDtype().loader(), where);
        T5EncoderModel model = new T5EncoderModel(w, config, mode == LoadMode.LAZY);
        w.requireAllConsumed();
        if (mode == LoadMode.EAGER) {
            model.parameters().forEach(Parameter::array);
        }
        return model;
    }

    /** The config. */
    public T5Config config() {
        return config;
    }

    /**
     * The relative-position bias every block adds (block 0's {@code compute_bias}), without any mask.
     *
     * @return float32 [1, H, length, length] in {@code manager}
     */
    public NDArray positionBias(int length, NDManager manager) {
        return block.get(0).selfAttentionLayer().selfAttention().computeBias(length, length, manager);
    }

    /**
     * {@code last_hidden_state}, as a pipeline reads {@code text_encoder(input_ids, attention_mask)[0]}.
     *
     * @param inputIds INT64 [B, L]
     * @param attentionMask [B, L] 0/1, or null for none (CogVideoX: every position, padding included, is attended)
     * @return float32 [B, L, d_model] in {@code inputIds}' manager
     */
    public NDArray lastHiddenState(NDArray inputIds, @Nullable NDArray attentionMask) {
        return forward(inputIds, attentionMask, false).lastHiddenState();
    }

    /**
     * Runs the encoder.
     *
     * @param inputIds INT64 [B, L], ids in {@code [0, vocab_size)}
     * @param attentionMask [B, L] 0/1, or null: transformers then uses an all-ones mask
     * @param outputHiddenStates whether to return every hidden state and block output
     * @throws IllegalArgumentException for ids outside the vocabulary or a mask of another shape or with values
     *     other than 0 and 1
     */
    public Output forward(NDArray inputIds, @Nullable NDArray attentionMask, boolean outputHiddenStates) {
        Inputs.requireTokens(inputIds, attentionMask, config.vocabSize(), "T5 encoder");
        NDManager manager = inputIds.getManager();
        int l = (int) inputIds.getShape().get(1);
        try (NDManager call = manager.newSubManager()) {
            // 1. Position bias of block 0, with the additive key mask summed in once for every block
            NDArray positionBias = positionBias(l, call);
            if (attentionMask != null) {
                NDArray extended = T5Attention.extendedAttentionMask(attentionMask);
                extended.attach(call);
                positionBias = positionBias.add(extended);
            }
            // 2. Embeddings: shared[ids], no scaling
            // fp32 residual stream: with bf16 weights only the projections run in bf16 (see the class comment)
            NDArray hiddenStates = F.toFloat32(F.embedding(inputIds, shared.array()));
            hiddenStates.attach(call);
            releaseIfStreaming(List.of(shared));
            List<NDArray> states = new ArrayList<>();
            List<NDArray> blockOutputs = new ArrayList<>();
            states.add(hiddenStates);
            // 3. Blocks
            for (int i = 0; i < block.size(); i++) {
                T5Block b = block.get(i);
                NDArray bias = positionBias;
                NDArray h = hiddenStates;
                hiddenStates = outputHiddenStates ? b.forward(h, bias)
                        : Scoped.keepConsuming(() -> b.forward(h, bias), h);
                releaseIfStreaming(blockParameters.get(i));
                if (outputHiddenStates) {
                    blockOutputs.add(hiddenStates);
                    if (i + 1 < block.size()) {
                        states.add(hiddenStates);
                    }
                }
            }
            // 4. Final norm
            NDArray last = finalLayerNorm.forward(hiddenStates);
            releaseIfStreaming(finalLayerNormParameters);
            states.add(last);
            // float32 at the boundary whatever the compute dtype
            List<NDArray> keptStates = outputHiddenStates ? toCaller(states, manager) : List.of();
            List<NDArray> keptBlocks = outputHiddenStates ? toCaller(blockOutputs, manager) : List.of();
            NDArray lastOut = toCaller(List.of(last), manager).get(0);
            NDArray biasOut = toCaller(List.of(positionBias), manager).get(0);
            return new Output(keptStates, keptBlocks, lastOut, biasOut);
        }
    }

    private static List<NDArray> toCaller(List<NDArray> arrays, NDManager manager) {
        List<NDArray> out = new ArrayList<>();
        for (NDArray a : arrays) {
            NDArray f = F.toFloat32(a);
            f.attach(manager);
            out.add(f);
        }
        return out;
    }

    private void releaseIfStreaming(List<Parameter> parameters) {
        if (streamLayers) {
            parameters.forEach(Parameter::release);
        }
    }

    /** Every bound weight, in binding order. */
    public List<Parameter> parameters() {
        List<Parameter> p = new ArrayList<>();
        p.add(shared);
        blockParameters.forEach(p::addAll);
        p.addAll(finalLayerNormParameters);
        return p;
    }
}
