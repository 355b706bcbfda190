package io.hunyuan4j.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import io.hunyuan4j.core.ops.AttentionBackend;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.ops.HostArrays;
import io.hunyuan4j.core.weights.Parameter;
import io.hunyuan4j.core.weights.StateDict;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * transformers {@code LlavaForConditionalGeneration} as HunyuanVideo-I2V's prompt encoder uses it: the image
 * features (CLIP vision hidden state {@code vision_feature_layer}, class token dropped, projected to the text width)
 * replace the {@code <image>} tokens' embeddings, and the Llama runs on the merged embeddings; the pipeline reads a
 * hidden state, never the logits.
 *
 * <p>Weights are bound by the names of the published checkpoint's {@code text_encoder/}: {@code vision_tower.*},
 * {@code multi_modal_projector.*}, {@code language_model.model.*} and (bound, unused)
 * {@code language_model.lm_head.weight}.
 *
 * @see <a href="https://github.com/huggingface/transformers/blob/v4.47.0/src/transformers/models/llava/modeling_llava.py">transformers LlavaForConditionalGeneration</a>
 */
public final class LlavaTextEncoder {

    private final LlavaConfig config;
    private final ClipVisionModel visionTower;
    private final LlavaMultiModalProjector multiModalProjector;
    private final LlamaTextEncoder languageModel;
    private final @Nullable Parameter lmHead;

    /** Binds the vision tower, the projector and the language model (resident). */
    public LlavaTextEncoder(StateDict w, LlavaConfig config, AttentionBackend attention) {
        this(w, config, attention, false);
    }

    /**
     * Binds the vision tower, the projector and the language model.
     *
     * @param streamLayers read each Llama layer's weights from the (lazily bound) checkpoint on every call and
     *     drop them after the layer, as {@link LlamaTextEncoder} does for the 8B encoder
     */
    public LlavaTextEncoder(StateDict w, LlavaConfig config, AttentionBackend attention, boolean streamLayers) {
        this.config = config;
        this.visionTower = new ClipVisionModel(w.child("vision_tower"), config.visionConfig(), attention);
        this.multiModalProjector = new LlavaMultiModalProjector(w.child("multi_modal_projector"),
                config.visionConfig().hiddenSize(), config.textConfig().hiddenSize());
        StateDict lm = w.child("language_model");
        this.languageModel = new LlamaTextEncoder(lm.child("model"), config.textConfig(), attention, streamLayers);
        // the causal-LM head: in the checkpoint, never used for embeddings
        this.lmHead = lm.takeOptional("lm_head.weight", config.textConfig().vocabSize(),
                config.textConfig().hiddenSize());
    }

    /** The config. */
    public LlavaConfig config() {
        return config;
    }

    /**
     * {@code get_image_features}: the projected vision features.
     *
     * @param pixelValues [N, 3, S, S] float32, CLIP-normalised
     * @return [N, num_patches (+1 for strategy "full"), text hidden]
     */
    public NDArray imageFeatures(NDArray pixelValues) {
        NDArray selected = visionTower.hiddenState(pixelValues, config.visionFeatureLayer());
        if (config.dropClsToken()) {
            selected = selected.get(new NDIndex(":, 1:"));
        }
        return F.toFloat32(multiModalProjector.forward(F.castLike(selected, selected)));
    }

    /**
     * {@code hidden_states[-(numHiddenLayersToSkip + 1)]} of the LLaVA forward pass: the embeddings of
     * {@code inputIds} with the {@code image_token_index} positions filled, in order, with the image features of
     * {@code pixelValues} (transformers' {@code masked_scatter}).
     *
     * @param inputIds INT64 [B, L] with as many image tokens as {@code N x num_patches}
     * @param attentionMask INT64 [B, L]
     * @param pixelValues [N, 3, S, S]
     * @return [B, L, text hidden] float32, in {@code inputIds}' manager
     * @throws IllegalArgumentException if the image tokens and features differ in number
     */
    public NDArray hiddenState(NDArray inputIds, NDArray attentionMask, NDArray pixelValues,
            int numHiddenLayersToSkip) {
        NDArray inputsEmbeds = languageModel.embed(inputIds);
        NDArray features = imageFeatures(pixelValues);
        long[] ids = inputIds.toType(DataType.INT64, false).toLongArray();
        int d = config.textConfig().hiddenSize();
        float[] embeds = F.toFloat32(inputsEmbeds).toFloatArray();
        float[] feats = features.toFloatArray();
        int next = 0;
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == config.imageTokenIndex()) {
                if ((next + 1) * d > feats.length) {
                    throw new IllegalArgumentException("input_ids hold more image tokens (" + config.imageTokenIndex()
                            + ") than the " + feats.length / d + " image features of pixel_values");
                }
                System.arraycopy(feats, next * d, embeds, i * d, d);
                next++;
            }
        }
        if (next * d != feats.length) {
            throw new IllegalArgumentException("input_ids hold " + next + " image tokens but pixel_values give "
                    + feats.length / d + " image features");
        }
        NDArray merged = F.castLike(HostArrays.floats(inputIds.getManager(), embeds, inputsEmbeds.getShape()),
                inputsEmbeds);
        inputsEmbeds.close();
        features.close();
        return languageModel.hiddenStateFromEmbeds(merged, attentionMask, numHiddenLayersToSkip);
    }

    /** The Llama language model (its embeddings and tokenizer-facing config). */
    public LlamaTextEncoder languageModel() {
        return languageModel;
    }

    /** Every bound weight. */
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>(visionTower.parameters());
        all.addAll(languageModel.parameters());
        if (lmHead != null) {
            all.add(lmHead);
        }
        return all;
    }
}
