package io.hunyuan4j.golden;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.hunyuan4j.cogvideox.transformer.CogVideoXTransformer3DModel;
import io.hunyuan4j.cogvideox.transformer.CogVideoXTransformerConfig;
import io.hunyuan4j.cogvideox.transformer.CogVideoXTransformerInput;
import io.hunyuan4j.core.ops.AttentionBackends;
import io.hunyuan4j.core.transformer.IntermediateListener;
import io.hunyuan4j.core.transformer.RotaryEmbedding;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.StateDict;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Fixture {@code cogvideox_transformer/<case>}: {@link CogVideoXTransformer3DModel} built from the case's config
 * and weights (strict binding), run on its inputs (the RoPE table and ofs as given); returns {@code sample} and
 * every hooked intermediate under the diffusers module names. Under bf16 the weights are rounded at load and
 * the forward pass computes in bf16.
 */
public final class CogVideoXTransformerGolden implements GoldenComponent {

    /** {@inheritDoc} */
    @Override
    public String name() {
        return "cogvideox_transformer";
    }

    /** {@inheritDoc} */
    @Override
    public Map<String, NDArray> run(GoldenFixture fx, NDManager manager, GoldenOptions options) {
        CogVideoXTransformerConfig config = CogVideoXTransformerConfig.fromJson(fx.config());
        Set<String> names = fx.inputs().names();
        Map<String, NDArray> out = new LinkedHashMap<>();
        try (NDManager weights = NDManager.newBaseManager(manager.getDevice())) {
            StateDict w = StateDict.load(fx.weights(), weights, LoadMode.EAGER,
                    CogVideoXTransformer3DModel.weightLoader(options.computeDtype()), fx.dir() + "/weights.safetensors");
            CogVideoXTransformer3DModel model = new CogVideoXTransformer3DModel(config, w,
                    AttentionBackends.defaultBackend(), options.computeDtype());
            weights.cap();
            RotaryEmbedding rope = names.contains("image_rotary_emb.cos")
                    ? new RotaryEmbedding(fx.input("image_rotary_emb.cos", manager),
                            fx.input("image_rotary_emb.sin", manager))
                    : null;
            CogVideoXTransformerInput input = new CogVideoXTransformerInput(fx.input("hidden_states", manager),
                    fx.input("encoder_hidden_states", manager), fx.input("timestep", manager),
                    names.contains("ofs") ? fx.input("ofs", manager) : null, rope);
            IntermediateListener keep = (name, value) -> {
                NDArray copy = value.duplicate();
                copy.attach(manager);
                out.put(name, copy);
            };
            out.put("sample", model.forward(input, keep));
            model.close();
        }
        return out;
    }
}
