package io.hunyuan4j.text;

import io.hunyuan4j.core.config.ConfigException;
import io.hunyuan4j.core.config.JsonConfig;

/**
 * transformers {@code LlavaConfig}: the {@code text_encoder/config.json} of HunyuanVideo-I2V (LLaVA-Llama-3-8B:
 * CLIP ViT-L/14-336 vision tower, a two-layer GELU projector, Llama-3-8B).
 *
 * @param visionConfig {@code vision_config}
 * @param textConfig {@code text_config}
 * @param imageTokenIndex {@code image_token_index}: the id of {@code <image>} in the prompt
 * @param visionFeatureLayer {@code vision_feature_layer} (-2: the penultimate vision layer)
 * @param dropClsToken {@code vision_feature_select_strategy == "default"} (else {@code "full"})
 * @see <a href="https://github.com/huggingface/transformers/blob/v4.47.0/src/transformers/models/llava/configuration_llava.py">transformers LlavaConfig</a>
 */
public record LlavaConfig(ClipVisionConfig visionConfig, LlamaConfig textConfig, int imageTokenIndex,
        int visionFeatureLayer, boolean dropClsToken) {

    /**
     * Reads a LLaVA {@code config.json}; only {@code projector_hidden_act = "gelu"} is implemented.
     *
     * @throws ConfigException naming the key
     */
    public static LlavaConfig fromJson(JsonConfig j) {
        String act = j.getString("projector_hidden_act", "gelu");
        j.require("gelu".equals(act), "projector_hidden_act", "supported: [\"gelu\"]");
        String strategy = j.getString("vision_feature_select_strategy", "default");
        j.require(strategy.equals("default") || strategy.equals("full"), "vision_feature_select_strategy",
                "must be \"default\" or \"full\"");
        return new LlavaConfig(ClipVisionConfig.fromJson(j.object("vision_config")),
                LlamaConfig.fromJson(j.object("text_config")), j.getInt("image_token_index", 32000),
                j.getInt("vision_feature_layer", -2), strategy.equals("default"));
    }
}
