package io.hunyuan4j.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.ops.AttentionBackend;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.Parameter;
import io.hunyuan4j.core.weights.StateDict;
import java.util.ArrayList;
import java.util.List;

/**
 * The Llama text encoder ({@code text_encoder/}, transformers {@code LlamaModel}): token embeddings, decoder
 * layers, final RMSNorm. HunyuanVideo reads {@code hidden_states[-(skip + 1)]} (skip = 2), so a prompt
 * encoding runs only the layers that state depends on.
 *
 * <p><b>Streaming.</b> With {@code streamLayers}, each layer's weights are read from the (memory-mapped)
 * checkpoint when the forward pass reaches it and released right after, as is the embedding table; only one
 * layer is resident at a time, so the 8B encoder never holds its 30 GB of float32 weights at once.
 *
 * <p><b>Precision.</b> The encoder computes in its weights' dtype: loaded with {@code ComputeDtype.BF16.loader()}
 * the embeddings, and so every activation, are bf16 (norm statistics, RoPE and attention softmax in float32, as
 * transformers does); the returned hidden states are float32 either way.
 *
 * @see <a href="https://github.com/huggingface/transformers/blob/v4.47.0/src/transformers/models/llama/modeling_llama.py">transformers LlamaModel</a>
 */
public final class LlamaTextEncoder {

    private final LlamaConfig config;
    private final Parameter embedTokens;
    private final List<LlamaDecoderLayer> layers;
    private final Parameter norm;
    private final LlamaRotaryEmbedding rotaryEmb;
    private final AttentionBackend attention;
    private final boolean streamLayers;

    /**
     * Binds {@code embed_tokens}, {@code layers.<i>}, {@code norm}.
     *
     * @param streamLayers release each layer's weights after using them (see the class comment)
     */
    public LlamaTextEncoder(StateDict w, LlamaConfig config, AttentionBackend attention, boolean streamLayers) {
        this.config = config;
        this.embedTokens = w.take("embed_tokens.weight", config.vocabSize(), config.hiddenSize());
        List<LlamaDecoderLayer> l = new ArrayList<>();
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            l.add(new LlamaDecoderLayer(w.child("layers", i), config));
        }
        this.layers = List.copyOf(l);
        this.norm = w.take("norm.weight", config.hiddenSize());
        this.rotaryEmb = new LlamaRotaryEmbedding(config);
        this.attention = attention;
        this.streamLayers = streamLayers;
    }

    /** The config. */
    public LlamaConfig config() {
        return config;
    }

    /**
     * All hidden states, as {@code output_hidden_states=True} returns them: the embeddings, the output of
     * every layer but the last, and the final norm of the last layer's output.
     *
     * @param inputIds INT64 [B, L]
     * @param attentionMask INT64 or INT32 [B, L], 1 valid, 0 padding
     * @return {@link LlamaConfig#numHiddenStates()} arrays [B, L, hidden], in {@code inputIds}' manager
     */
    public List<NDArray> hiddenStates(NDArray inputIds, NDArray attentionMask) {
        return run(inputIds, attentionMask, config.numHiddenLayers(), true);
    }

    /**
     * {@code hidden_states[-(numHiddenLayersToSkip + 1)]}, running only the layers it depends on.
     *
     * @param numHiddenLayersToSkip 0 for the final-norm output; HunyuanVideo uses 2
     * @return [B, L, hidden]
     */
    public NDArray hiddenState(NDArray inputIds, NDArray attentionMask, int numHiddenLayersToSkip) {
        if (numHiddenLayersToSkip < 0 || numHiddenLayersToSkip >= config.numHiddenStates()) {
            throw new IllegalArgumentException("numHiddenLayersToSkip must be in [0, " + (config.numHiddenStates() - 1)
                    + "] for " + config.numHiddenLayers() + " layers but is " + numHiddenLayersToSkip);
        }
        List<NDArray> states = run(inputIds, attentionMask, config.numHiddenLayers() - numHiddenLayersToSkip, false);
        return states.get(states.size() - 1);
    }

    /**
     * {@code embed_tokens(input_ids)}: what LLaVA fills with image features before the layers run
     * ({@link #hiddenStateFromEmbeds}).
     *
     * @param inputIds INT64 [B, L]
     * @return [B, L, hidden] in the weights' dtype, in {@code inputIds}' manager
     */
    public NDArray embed(NDArray inputIds) {
        Inputs.requireTokens(inputIds, null, config.vocabSize(), "Llama text encoder");
        NDArray e = F.embedding(inputIds, embedTokens.array());
        e.attach(inputIds.getManager());
        return e;
    }

    /**
     * {@code hidden_states[-(numHiddenLayersToSkip + 1)]} from {@code inputs_embeds} (position ids
     * {@code 0..L-1}: the same as LLaVA's {@code cumsum(mask) - 1} at every valid token of a right-padded batch).
     *
     * @param inputsEmbeds [B, L, hidden], e.g. {@link #embed} with image features scattered in
     * @param attentionMask INT64 [B, L], 1 valid then 0 padding
     * @return [B, L, hidden] float32, in {@code inputsEmbeds}' manager
     */
    public NDArray hiddenStateFromEmbeds(NDArray inputsEmbeds, NDArray attentionMask, int numHiddenLayersToSkip) {
        if (numHiddenLayersToSkip < 0 || numHiddenLayersToSkip >= config.numHiddenStates()) {
            throw new IllegalArgumentException("numHiddenLayersToSkip must be in [0, " + (config.numHiddenStates() - 1)
                    + "] for " + config.numHiddenLayers() + " layers but is " + numHiddenLayersToSkip);
        }
        List<NDArray> states = runFrom(inputsEmbeds, attentionMask,
                config.numHiddenLayers() - numHiddenLayersToSkip, false);
        return states.get(states.size() - 1);
    }

    /** Runs to hidden state {@code last} (index into the full list); keeps all or only the last. */
    private List<NDArray> run(NDArray inputIds, NDArray attentionMask, int last, boolean keepAll) {
        Inputs.requireTokens(inputIds, attentionMask, config.vocabSize(), "Llama text encoder");
        NDArray hiddenStates = F.embedding(inputIds, embedTokens.array());
        hiddenStates.attach(inputIds.getManager());
        releaseIfStreaming(List.of(embedTokens));
        return runFrom(hiddenStates, attentionMask, last, keepAll);
    }

    /** The layers from the embeddings {@code inputsEmbeds} (consumed) to hidden state {@code last}. */
    private List<NDArray> runFrom(NDArray inputsEmbeds, NDArray attentionMask, int last, boolean keepAll) {
        NDManager manager = inputsEmbeds.getManager();
        long l = inputsEmbeds.getShape().get(1);
        List<NDArray> states = new ArrayList<>();
        try (NDManager call = manager.newSubManager()) {
            LlamaRotaryEmbedding.Tables rope = rotaryEmb.forward((int) l, call);
            NDArray mask = causalPaddingMask(attentionMask, call);
            NDArray hiddenStates = inputsEmbeds;
            hiddenStates.attach(call);
            states.add(hiddenStates);
            for (int i = 0; i < last; i++) {
                LlamaDecoderLayer layer = layers.get(i);
                hiddenStates = layer.forward(hiddenStates, rope, mask, attention);
                releaseIfStreaming(layer.parameters());
                if (i + 1 < config.numHiddenLayers()) {
                    states.add(hiddenStates);
                }
            }
            if (last == config.numHiddenLayers()) {
                NDArray normed = F.rmsNorm(hiddenStates, norm.array(), config.rmsNormEps());
                releaseIfStreaming(List.of(norm));
                states.add(normed);
            }
            // float32 at the boundary whatever the compute dtype (bf16 weights make bf16 activations)
            List<NDArray> out = new ArrayList<>();
            for (NDArray a : keepAll ? states : List.of(states.get(states.size() - 1))) {
                NDArray f = F.toFloat32(a);
                f.attach(manager);
                out.add(f);
            }
            return out;
        }
    }

    /** Causal AND key-is-valid, BOOLEAN [B, 1, L, L] (transformers' 4-D mask, before it turns additive). */
    static NDArray causalPaddingMask(NDArray attentionMask, NDManager manager) {
        long l = attentionMask.getShape().get(1);
        NDArray pos = manager.arange(0L, l, 1L, DataType.INT64);
        NDArray causal = pos.expandDims(1).gte(pos.expandDims(0)); // [L, L], query i sees keys j <= i
        NDArray keyValid = attentionMask.toType(DataType.INT64, false).gt(0)
                .reshape(new Shape(attentionMask.getShape().get(0), 1, 1, l));
        NDArray m = causal.reshape(1, 1, l, l).logicalAnd(keyValid);
        m.attach(manager);
        return m;
    }

    private void releaseIfStreaming(List<Parameter> parameters) {
        if (streamLayers) {
            parameters.forEach(Parameter::release);
        }
    }

    /** Every bound weight. */
    public List<Parameter> parameters() {
        List<Parameter> p = new ArrayList<>();
        p.add(embedTokens);
        layers.forEach(x -> p.addAll(x.parameters()));
        p.add(norm);
        return p;
    }
}
