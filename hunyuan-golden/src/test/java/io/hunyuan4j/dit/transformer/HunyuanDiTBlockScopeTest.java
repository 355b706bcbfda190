package io.hunyuan4j.dit.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.RandomWeights;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each block's temporaries die with the block, also for the first-half blocks whose input is a pending long skip
 * (which must outlive the block): the arrays alive under the caller's manager after block i grow by at most the
 * skips held, not by a block's worth of activations (before the fix, about 75 arrays per first-half block, about
 * 1 GiB a block at 1024x1024, stayed until the step ended and the 40-block step ran out of memory).
 */
class HunyuanDiTBlockScopeTest {

    private static final int LAYERS = 8;

    @Test
    void firstHalfBlocksLeaveOnlyTheirSkips() {
        HunyuanDiTConfig c = HunyuanDiTConfig.fromJson(JsonConfig.parse("tiny", """
                {"activation_fn": "gelu-approximate", "attention_head_dim": 8, "cross_attention_dim": 24,
                 "cross_attention_dim_t5": 32, "hidden_size": 16, "in_channels": 4, "learn_sigma": true,
                 "mlp_ratio": 2.0, "norm_type": "layer_norm", "num_attention_heads": 2, "num_layers": %d,
                 "patch_size": 2, "pooled_projection_dim": 12, "sample_size": 8, "text_len": 5,
                 "text_len_t5": 6, "use_style_cond_and_image_meta_size": false}
                """.formatted(LAYERS)));
        try (HunyuanDiT2DModel model = HunyuanDiT2DModel.fromWeights(c,
                new RandomWeights(HunyuanDiT2DModel.expectedShapes(c), 5),
                new ComponentOptions(Device.cpu(), ComputeDtype.FLOAT32, LoadMode.EAGER), "random");
                NDManager m = NDManager.newBaseManager()) {
            HunyuanDiTInput input = new HunyuanDiTInput(m.randomNormal(new Shape(2, 4, 8, 8)),
                    m.create(new float[] {500f, 500f}), m.randomNormal(new Shape(2, 5, 24)),
                    m.ones(new Shape(2, 5), DataType.INT64), m.randomNormal(new Shape(2, 6, 32)),
                    m.ones(new Shape(2, 6), DataType.INT64), null, null,
                    HunyuanDiTRotaryPosEmbed.forGrid(m, 8, 4, 4, 2));
            List<Integer> live = new ArrayList<>();
            try (NDArray out = model.forward(input, (name, value) -> {
                if (name.matches("blocks\\.\\d+")) {
                    live.add(((BaseNDManager) m).getManagedArrays().size());
                }
            })) {
                assertEquals(new Shape(2, 8, 8, 8), out.getShape());
            }
            assertEquals(LAYERS, live.size());
            for (int i = 1; i < LAYERS; i++) {
                // block i's output replaces its input; at most one skip is added per first-half block
                assertTrue(live.get(i) <= live.get(0) + i, "arrays alive after block " + i + ": " + live);
            }
        }
    }
}
