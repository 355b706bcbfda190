package io.hunyuan4j.text.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.nn.Linear;
import io.hunyuan4j.core.ops.AttentionBackend;
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
 * transformers {@code BertModel}: embeddings, the post-LN encoder layers and, when the checkpoint has one, the
 * pooler ({@code tanh(pooler.dense(h[:, 0]))}; built by {@code BertModel(config)} and stored in HunyuanDiT's
 * checkpoint, but unused by its pipeline, which reads {@code last_hidden_state}).
 *
 * <p><b>Streaming.</b> With {@code streamLayers}, each layer's weights are read from the (memory-mapped)
 * checkpoint when the forward pass reaches it and released right after, as are the embedding tables.
 *
 * <p><b>Precision.</b> The encoder computes in its weights' dtype (norm statistics and the attention softmax in
 * float32); the returned states are float32 either way.
 *
 * @see <a href="https://github.com/huggingface/transformers/blob/v4.47.0/src/transformers/models/bert/modeling_bert.py">transformers BertModel, BertEncoder, BertPooler</a>
 */
public final class BertModel {

    private final BertConfig config;
    private final BertEmbeddings embeddings;
    private final List<Parameter> embeddingParameters;
    private final List<BertLayer> layer;
    private final List<List<Parameter>> layerParameters;
    private final @Nullable Linear poolerDense;
    private final List<Parameter> poolerParameters;
    private final AttentionBackend attention;
    private final boolean streamLayers;

    /**
     * What the model returns (float32, in the input's manager).
     *
     * @param hiddenStates the embeddings, then every layer's output ({@link BertConfig#numHiddenStates()} arrays
     *     [B, L, hidden]); empty unless asked for
     * @param lastHiddenState the last layer's output [B, L, hidden] (no final norm)
     * @param poolerOutput {@code tanh(pooler.dense(last_hidden_state[:, 0]))} [B, hidden], or null for a
     *     checkpoint without a pooler
     */
    public record Output(List<NDArray> hiddenStates, NDArray lastHiddenState, @Nullable NDArray poolerOutput) {

        /** Copies the list. */
        public Output {
            hiddenStates = List.copyOf(hiddenStates);
        }
    }

    /**
     * Binds {@code embeddings}, {@code encoder.layer.<i>} and, if present, {@code pooler.dense}.
     *
     * @param streamLayers release each layer's weights after using them (see the class comment)
     */
    public BertModel(StateDict w, BertConfig config, AttentionBackend attention, boolean streamLayers) {
        this.config = config;
        this.attention = attention;
        this.streamLayers = streamLayers;
        int before = w.boundParameters().size();
        this.embeddings = new BertEmbeddings(w.child("embeddings"), config);
        this.embeddingParameters = w.boundParameters().subList(before, w.boundParameters().size());
        List<BertLayer> layers = new ArrayList<>();
        List<List<Parameter>> params = new ArrayList<>();
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            int start = w.boundParameters().size();
            layers.add(new BertLayer(w.child("encoder").child("layer", i), config));
            params.add(w.boundParameters().subList(start, w.boundParameters().size()));
        }
        this.layer = List.copyOf(layers);
        this.layerParameters = List.copyOf(params);
        int start = w.boundParameters().size();
        this.poolerDense = w.hasChild("pooler")
                ? new Linear(w.child("pooler").child("dense"), config.hiddenSize(), config.hiddenSize())
                : null;
        this.poolerParameters = w.boundParameters().subList(start, w.boundParameters().size());
    }

    /**
     * Binds a checkpoint as a prompt encoder loads it: {@link LoadMode#LAZY} streams the layers on every call
     * (nothing stays resident), {@link LoadMode#EAGER} loads every weight now, {@link LoadMode#SHAPE_ONLY} binds
     * names and shapes only.
     *
     * @param where a label for messages, e.g. {@code "text_encoder/"}
     * @throws io.hunyuan4j.core.weights.CheckpointMismatchException if names or shapes differ from the config
     */
    public static BertModel bind(TensorSource source, BertConfig config, NDManager weights, ComponentOptions options,
            AttentionBackend attention, String where) {
        LoadMode mode = options.loadMode();
        StateDict w = StateDict.load(source, weights, mode == LoadMode.SHAPE_ONLY ? LoadMode.SHAPE_ONLY : LoadMode.LAZY,
                options.computeDtype().loader(), where);
        BertModel model = new BertModel(w, config, attention, mode == LoadMode.LAZY);
        w.requireAllConsumed();
        if (mode == LoadMode.EAGER) {
            model.parameters().forEach(Parameter::array);
        }
        return model;
    }

    /** The config. */
    public BertConfig config() {
        return config;
    }

    /** Whether the checkpoint has the pooler. */
    public boolean hasPooler() {
        return poolerDense != null;
    }

    /**
     * {@code last_hidden_state}, as HunyuanDiT's pipeline reads {@code text_encoder(ids, attention_mask)[0]}.
     *
     * @return float32 [B, L, hidden] in {@code inputIds}' manager
     */
    public NDArray lastHiddenState(NDArray inputIds, NDArray attentionMask) {
        return forward(inputIds, attentionMask, false).lastHiddenState();
    }

    /**
     * Runs the model.
     *
     * @param inputIds INT64 [B, L], {@code L <= max_position_embeddings}
     * @param attentionMask [B, L] 0/1 (keys with 0 are not attended)
     * @param outputHiddenStates whether to return every hidden state
     * @throws IllegalArgumentException for ids outside the vocabulary, a sequence longer than
     *     {@code max_position_embeddings}, or a bad mask
     */
    public Output forward(NDArray inputIds, NDArray attentionMask, boolean outputHiddenStates) {
        Inputs.requireTokens(inputIds, attentionMask, config.vocabSize(), "BERT text encoder");
        long l = inputIds.getShape().get(1);
        if (l > config.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("BERT text encoder: input_ids length must be <= "
                    + config.maxPositionEmbeddings() + " (max_position_embeddings) but is " + l);
        }
        NDManager manager = inputIds.getManager();
        try (NDManager call = manager.newSubManager()) {
            // the extended mask (1 - mask) * finfo.min on keys, as a boolean one
            NDArray keyMask = attentionMask.toType(DataType.INT64, false).gt(0)
                    .reshape(inputIds.getShape().get(0), 1, 1, l);
            keyMask.attach(call);
            NDArray hiddenStates = embeddings.forward(inputIds);
            hiddenStates.attach(call);
            releaseIfStreaming(embeddingParameters);
            List<NDArray> states = new ArrayList<>();
            states.add(hiddenStates);
            for (int i = 0; i < layer.size(); i++) {
                hiddenStates = layer.get(i).forward(hiddenStates, keyMask, attention);
                releaseIfStreaming(layerParameters.get(i));
                if (outputHiddenStates) {
                    states.add(hiddenStates);
                }
            }
            NDArray pooled = null;
            Linear pooler = poolerDense;
            if (pooler != null) {
                // [B, L, C] -> [B, C] at the first ([CLS]) token
                pooled = F.toFloat32(pooler.forward(hiddenStates.get(":, 0, :"))).tanh();
                pooled.attach(manager);
                releaseIfStreaming(poolerParameters);
            }
            List<NDArray> kept = new ArrayList<>();
            for (NDArray a : outputHiddenStates ? states : List.<NDArray>of()) {
                NDArray f = F.toFloat32(a);
                f.attach(manager);
                kept.add(f);
            }
            NDArray last = F.toFloat32(hiddenStates);
            last.attach(manager);
            return new Output(kept, last, pooled);
        }
    }

    /** Every bound weight, in binding order. */
    public List<Parameter> parameters() {
        List<Parameter> p = new ArrayList<>(embeddingParameters);
        layerParameters.forEach(p::addAll);
        p.addAll(poolerParameters);
        return p;
    }

    private void releaseIfStreaming(List<Parameter> parameters) {
        if (streamLayers) {
            parameters.forEach(Parameter::release);
        }
    }
}
