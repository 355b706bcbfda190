package io.hunyuan4j.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.hunyuan4j.core.ops.AttentionBackend;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.Parameter;
import io.hunyuan4j.core.weights.StateDict;
import java.util.ArrayList;
import java.util.List;

/**
 * The CLIP text encoder ({@code text_encoder_2/}, transformers {@code CLIPTextModel}); HunyuanVideo uses its
 * {@code pooler_output}: the final-norm state at the end token, with no attention mask (as the pipeline calls
 * it), causal attention only.
 *
 * @see <a href="https://github.com/huggingface/transformers/blob/v4.47.0/src/transformers/models/clip/modeling_clip.py">transformers CLIPTextTransformer</a>
 */
public final class ClipTextEncoder {

    private final ClipConfig config;
    private final Parameter tokenEmbedding;
    private final Parameter positionEmbedding;
    private final List<ClipEncoderLayer> layers;
    private final Parameter finalLayerNormWeight;
    private final Parameter finalLayerNormBias;
    private final AttentionBackend attention;

    /**
     * What the model returns.
     *
     * @param hiddenStates embeddings then each layer's output (no final norm), {@code num_hidden_layers + 1} of
     *     [B, L, hidden]; empty unless asked for
     * @param lastHiddenState {@code final_layer_norm} of the last layer's output [B, L, hidden]
     * @param poolerOutput [B, hidden], {@code last_hidden_state} at each row's end token
     */
    public record Output(List<NDArray> hiddenStates, NDArray lastHiddenState, NDArray poolerOutput) { }

    /** Binds {@code text_model.embeddings}, {@code text_model.encoder.layers.<i>}, {@code text_model.final_layer_norm}. */
    public ClipTextEncoder(StateDict w, ClipConfig config, AttentionBackend attention) {
        this.config = config;
        StateDict tm = w.child("text_model");
        this.tokenEmbedding = tm.take("embeddings.token_embedding.weight", config.vocabSize(), config.hiddenSize());
        this.positionEmbedding = tm.take("embeddings.position_embedding.weight", config.maxPositionEmbeddings(),
                config.hiddenSize());
        List<ClipEncoderLayer> l = new ArrayList<>();
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            l.add(new ClipEncoderLayer(tm.child("encoder").child("layers", i), config));
        }
        this.layers = List.copyOf(l);
        this.finalLayerNormWeight = tm.take("final_layer_norm.weight", config.hiddenSize());
        this.finalLayerNormBias = tm.take("final_layer_norm.bias", config.hiddenSize());
        this.attention = attention;
    }

    /** The config. */
    public ClipConfig config() {
        return config;
    }

    /**
     * Runs the model.
     *
     * @param inputIds INT64 [B, L], {@code L <= max_position_embeddings}
     * @param outputHiddenStates whether to return every hidden state
     */
    public Output forward(NDArray inputIds, boolean outputHiddenStates) {
        Inputs.requireTokens(inputIds, null, config.vocabSize(), "CLIP text encoder");
        long l = inputIds.getShape().get(1);
        if (l > config.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("CLIP text encoder: input_ids length must be <= "
                    + config.maxPositionEmbeddings() + " (max_position_embeddings) but is " + l);
        }
        long[] ids = inputIds.toType(DataType.INT64, false).toLongArray();
        NDManager manager = inputIds.getManager();
        try (NDManager call = manager.newSubManager()) {
            NDArray pos = call.arange(0L, l, 1L, DataType.INT64);
            NDArray causal = pos.expandDims(1).gte(pos.expandDims(0)).reshape(1, 1, l, l);
            // 1. Embeddings: token + position
            NDArray hiddenStates = F.embedding(inputIds, tokenEmbedding.array());
            hiddenStates.attach(call);
            hiddenStates = hiddenStates.add(F.embedding(pos, positionEmbedding.array()));
            List<NDArray> states = new ArrayList<>();
            states.add(hiddenStates);
            // 2. Encoder (causal attention only: the pipeline passes no attention mask)
            for (ClipEncoderLayer layer : layers) {
                hiddenStates = layer.forward(hiddenStates, causal, attention);
                states.add(hiddenStates);
            }
            NDArray last = F.layerNorm(hiddenStates, finalLayerNormWeight.array(), finalLayerNormBias.array(),
                    config.layerNormEps());
            // 3. Pooling at the end token
            NDList rows = new NDList();
            int b = (int) inputIds.getShape().get(0);
            for (int i = 0; i < b; i++) {
                rows.add(last.get(i).get(poolIndex(ids, i * (int) l, (int) l)));
            }
            NDArray pooled = NDArrays.stack(rows, 0);
            // float32 at the boundary whatever the compute dtype (bf16 weights make bf16 activations)
            List<NDArray> kept = new ArrayList<>();
            for (NDArray a : outputHiddenStates ? states : List.<NDArray>of()) {
                NDArray f = F.toFloat32(a);
                f.attach(manager);
                kept.add(f);
            }
            NDArray lastOut = F.toFloat32(last);
            NDArray pooledOut = F.toFloat32(pooled);
            lastOut.attach(manager);
            pooledOut.attach(manager);
            return new Output(List.copyOf(kept), lastOut, pooledOut);
        }
    }

    /**
     * transformers' rule: with {@code eos_token_id == 2} (legacy configs, like openai/clip-vit-large-patch14)
     * the first position of the largest id; otherwise the first position of {@code eos_token_id} (0 if absent,
     * as {@code argmax} of an all-false row gives).
     */
    int poolIndex(long[] ids, int offset, int length) {
        int best = 0;
        for (int j = 0; j < length; j++) {
            long id = ids[offset + j];
            if (config.legacyPooling()) {
                if (id > ids[offset + best]) {
                    best = j;
                }
            } else if (id == config.eosTokenId()) {
                return j;
            }
        }
        return config.legacyPooling() ? best : 0;
    }
}
