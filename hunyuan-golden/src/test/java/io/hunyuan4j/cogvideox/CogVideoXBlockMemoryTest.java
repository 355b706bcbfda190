package io.hunyuan4j.cogvideox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.cogvideox.transformer.CogVideoXRotaryPosEmbed;
import io.hunyuan4j.cogvideox.transformer.CogVideoXTransformer3DModel;
import io.hunyuan4j.cogvideox.transformer.CogVideoXTransformerConfig;
import io.hunyuan4j.cogvideox.transformer.CogVideoXTransformerInput;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.ops.HostArrays;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.RandomWeights;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A CogVideoX block frees its activations as it goes: when the attention output is reported, the projections,
 * per-head norms and RoPE products behind q, k and v are gone, and when the block ends, only its two output
 * streams remain of what it made. Before, all of them (about 50 token-sized arrays, 11 GiB at 480x720x49 on
 * the CFG batch for a single CogVideoX-5B block) lived until the block ended. Counted: token-sized arrays alive
 * under the caller's manager when the model reports an intermediate.
 */
class CogVideoXBlockMemoryTest {

    @Test
    void blockHoldsFewActivationsAtATime() {
        CogVideoXTransformerConfig c = CogVideoXTransformerConfig.fromJson(JsonConfig.parse("tiny 5b", """
                {"activation_fn": "gelu-approximate", "attention_bias": true, "attention_head_dim": 16,
                 "flip_sin_to_cos": true, "freq_shift": 0, "in_channels": 4, "max_text_seq_length": 7,
                 "norm_elementwise_affine": true, "norm_eps": 1e-05, "num_attention_heads": 2, "num_layers": 2,
                 "ofs_embed_dim": null, "out_channels": 4, "patch_bias": true, "patch_size": 2, "patch_size_t": null,
                 "sample_frames": 9, "sample_height": 8, "sample_width": 12, "spatial_interpolation_scale": 1.875,
                 "temporal_compression_ratio": 4, "temporal_interpolation_scale": 1.0, "text_embed_dim": 20,
                 "time_embed_dim": 24, "timestep_activation_fn": "silu", "use_learned_positional_embeddings": false,
                 "use_rotary_positional_embeddings": true}
                """));
        try (CogVideoXTransformer3DModel model = CogVideoXTransformer3DModel.fromWeights(c,
                new RandomWeights(CogVideoXTransformer3DModel.expectedShapes(c), 9),
                new ComponentOptions(Device.cpu(), ComputeDtype.FLOAT32, LoadMode.EAGER), "random");
                NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(3);
            CogVideoXTransformerInput input = new CogVideoXTransformerInput(m.randomNormal(new Shape(2, 3, 4, 8, 12)),
                    m.randomNormal(new Shape(2, 7, 20)), HostArrays.longs(m, new long[] {999, 999}, new Shape(2)),
                    null, CogVideoXRotaryPosEmbed.forLatents(m, c, 3, 8, 12));
            Map<String, Integer> live = new LinkedHashMap<>();
            // token-sized arrays (views included): at least one stream's [B, N, C] video tokens
            long tokenSized = 2L * 72 * 32;
            try (NDArray out = model.forward(input, (name, value) -> live.put(name, (int) ((BaseNDManager) m)
                    .getManagedArrays().stream().filter(a -> a.size() >= tokenSized).count()))) {
                assertEquals(new Shape(2, 3, 4, 8, 12), out.getShape());
            }
            int start = live.get("patch_embed");
            int attn = live.get("transformer_blocks.0.attn1.hidden_states");
            int end = live.get("transformer_blocks.0.hidden_states");
            // at the attention output: the block's inputs, norm1's results and the two attention streams (before:
            // 37 more, every projection, norm and RoPE product behind q, k and v)
            assertTrue(attn - start <= 5, "arrays alive at attn1 " + attn + " vs " + start + ": " + live);
            // at the block's end: its inputs and outputs (before: 49 more)
            assertTrue(end - start <= 6, "arrays alive at the end of block 0 " + end + " vs " + start + ": " + live);
        }
    }
}
