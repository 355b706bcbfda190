package io.hunyuan4j.golden;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.hunyuan4j.core.ops.AttentionBackends;
import io.hunyuan4j.core.transformer.IntermediateListener;
import io.hunyuan4j.core.transformer.RotaryEmbedding;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.StateDict;
import io.hunyuan4j.dit.transformer.HunyuanDiT2DModel;
import io.hunyuan4j.dit.transformer.HunyuanDiTConfig;
import io.hunyuan4j.dit.transformer.HunyuanDiTInput;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fixture {@code hunyuandit_transformer} (v1.2 config; {@link V11} for {@code hunyuandit_transformer_v11}):
 * {@link HunyuanDiT2DModel} built from the fixture's config and weights (strict binding), run on its inputs with the
 * fixture's RoPE table; returns {@code sample} and every intermediate under the diffusers module names. Under bf16
 * the weights are rounded at load and the forward pass computes in bf16.
 */
public class HunyuanDiTTransformerGolden implements GoldenComponent {

    private final String name;

    /** The v1.2 fixture. */
    public HunyuanDiTTransformerGolden() {
        this("hunyuandit_transformer");
    }

    HunyuanDiTTransformerGolden(String name) {
        this.name = name;
    }

    /** Fixture {@code hunyuandit_transformer_v11}: the same model with style and image-meta-size conditioning. */
    public static final class V11 extends HunyuanDiTTransformerGolden {
        /** The v1.1 fixture. */
        public V11() {
            super("hunyuandit_transformer_v11");
        }
    }

    /** {@inheritDoc} */
    @Override
    public String name() {
        return name;
    }

    /** {@inheritDoc} */
    @Override
    public Map<String, NDArray> run(GoldenFixture fx, NDManager manager, GoldenOptions options) {
        HunyuanDiTConfig config = HunyuanDiTConfig.fromJson(fx.config());
        Map<String, NDArray> out = new LinkedHashMap<>();
        try (NDManager weights = NDManager.newBaseManager(manager.getDevice())) {
            StateDict w = StateDict.load(fx.weights(), weights, LoadMode.EAGER,
                    HunyuanDiT2DModel.weightLoader(options.computeDtype()), fx.dir() + "/weights.safetensors");
            HunyuanDiT2DModel model = new HunyuanDiT2DModel(config, w, AttentionBackends.defaultBackend(),
                    options.computeDtype());
            weights.cap();
            HunyuanDiTInput input = input(fx, manager);
            IntermediateListener keep = (n, value) -> {
                NDArray copy = value.duplicate();
                copy.attach(manager);
                out.put(n, copy);
            };
            out.put("sample", model.forward(input, keep));
            model.close();
        }
        return out;
    }

    /** The fixture's inputs as the pipeline passes them. */
    static HunyuanDiTInput input(GoldenFixture fx, NDManager manager) {
        return new HunyuanDiTInput(fx.input("hidden_states", manager), fx.input("timestep", manager),
                fx.input("encoder_hidden_states", manager), fx.input("text_embedding_mask", manager),
                fx.input("encoder_hidden_states_t5", manager), fx.input("text_embedding_mask_t5", manager),
                fx.input("image_meta_size", manager), fx.input("style", manager),
                new RotaryEmbedding(fx.input("image_rotary_emb.cos", manager),
                        fx.input("image_rotary_emb.sin", manager)));
    }
}
