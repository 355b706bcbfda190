package io.hunyuan4j.core.transformer;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.hunyuan4j.core.weights.InMemoryTensors;
import io.hunyuan4j.core.weights.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes diffusers-layout {@code transformer/} folders with seeded random float32 weights, for tests. */
final class TestCheckpoints {

    private TestCheckpoints() {}

    /**
     * Writes {@code config.json} and {@code diffusion_pytorch_model.safetensors} for {@code c}, weights drawn by
     * {@link InMemoryTensors.Builder#randomLike} (the golden fixtures' scales).
     */
    static Path write(Path dir, TransformerConfig c, long seed) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), configJson(c));
        new SafetensorsWriter().addAll(InMemoryTensors.builder().seed(seed)
                .randomLike(HunyuanVideoTransformer3D.expectedShapes(c)).build())
                .write(dir.resolve("diffusion_pytorch_model.safetensors"));
        return dir;
    }

    static String configJson(TransformerConfig c) {
        JsonObject j = new JsonObject();
        j.addProperty("_class_name", "HunyuanVideoTransformer3DModel");
        j.addProperty("in_channels", c.inChannels());
        j.addProperty("out_channels", c.outChannels());
        j.addProperty("num_attention_heads", c.numAttentionHeads());
        j.addProperty("attention_head_dim", c.attentionHeadDim());
        j.addProperty("num_layers", c.numLayers());
        j.addProperty("num_single_layers", c.numSingleLayers());
        j.addProperty("num_refiner_layers", c.numRefinerLayers());
        j.addProperty("mlp_ratio", c.mlpRatio());
        j.addProperty("patch_size", c.patchSize());
        j.addProperty("patch_size_t", c.patchSizeT());
        j.addProperty("qk_norm", c.qkNorm());
        j.addProperty("guidance_embeds", c.guidanceEmbeds());
        j.addProperty("text_embed_dim", c.textEmbedDim());
        j.addProperty("pooled_projection_dim", c.pooledProjectionDim());
        j.addProperty("rope_theta", c.ropeTheta());
        JsonArray rope = new JsonArray();
        rope.add(c.ropeAxesDim().t());
        rope.add(c.ropeAxesDim().h());
        rope.add(c.ropeAxesDim().w());
        j.add("rope_axes_dim", rope);
        j.add("image_condition_type", com.google.gson.JsonNull.INSTANCE);
        return j.toString();
    }
}
