package io.hunyuan4j.golden;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.hunyuan4j.core.api.DenoiserInput;
import io.hunyuan4j.core.ops.AttentionBackends;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.transformer.HunyuanVideoTransformer3D;
import io.hunyuan4j.core.transformer.IntermediateListener;
import io.hunyuan4j.core.transformer.TransformerConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fixture {@code transformer}: {@link HunyuanVideoTransformer3D} built from the fixture's config and weights
 * (strict binding), run on its inputs; returns {@code sample} and every intermediate the forward pass reports
 * under the diffusers module names. Under {@link ComputeDtype#BF16} the weights are rounded to bf16 at load and the
 * forward pass computes in bf16; the outputs (float32) are compared at the bf16 tolerance.
 */
public final class TransformerGolden implements GoldenComponent {

    /** {@inheritDoc} */
    @Override
    public String name() {
        return "transformer";
    }

    /** {@inheritDoc} */
    @Override
    public Map<String, NDArray> run(GoldenFixture fx, NDManager manager, GoldenOptions options) {
        TransformerConfig config = TransformerConfig.fromJson(fx.config());
        Map<String, NDArray> out = new LinkedHashMap<>();
        try (NDManager weights = NDManager.newBaseManager(manager.getDevice())) {
            ComputeDtype dtype = options.computeDtype();
            HunyuanVideoTransformer3D model = new HunyuanVideoTransformer3D(config, fx.weights(weights, options),
                    AttentionBackends.defaultBackend(), dtype);
            weights.cap();
            DenoiserInput input = new DenoiserInput(fx.input("hidden_states", manager), fx.input("timestep", manager),
                    fx.input("encoder_hidden_states", manager), fx.input("encoder_attention_mask", manager),
                    fx.input("pooled_projections", manager),
                    fx.inputs().names().contains("guidance") ? fx.input("guidance", manager) : null);
            IntermediateListener keep = (name, value) -> {
                NDArray copy = value.duplicate(); // the model reports float32 under every compute dtype
                copy.attach(manager);
                out.put(name, copy);
            };
            out.put("sample", model.forward(input, keep));
            model.close();
        }
        return out;
    }
}
