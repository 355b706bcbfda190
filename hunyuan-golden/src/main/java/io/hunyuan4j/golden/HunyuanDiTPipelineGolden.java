package io.hunyuan4j.golden;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.scheduler.DDPMScheduler;
import io.hunyuan4j.core.scheduler.DDPMSchedulerConfig;
import io.hunyuan4j.core.scheduler.DiscreteSchedule;
import io.hunyuan4j.core.transformer.RotaryEmbedding;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.TensorSource;
import io.hunyuan4j.dit.pipeline.HunyuanDiTEmbeddings;
import io.hunyuan4j.dit.pipeline.HunyuanDiTPipeline;
import io.hunyuan4j.dit.pipeline.HunyuanDiTRequest;
import io.hunyuan4j.dit.pipeline.NoiseSource;
import io.hunyuan4j.dit.transformer.HunyuanDiT2DModel;
import io.hunyuan4j.dit.transformer.HunyuanDiTConfig;
import io.hunyuan4j.dit.transformer.HunyuanDiTRotaryPosEmbed;
import io.hunyuan4j.vae.kl.AutoencoderKL;
import io.hunyuan4j.vae.kl.AutoencoderKLConfig;
import io.hunyuan4j.vae.kl.AutoencoderKLTiling;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fixture {@code hunyuandit_pipeline}: {@link HunyuanDiTPipeline} on the fixture's embeddings, latents and recorded
 * variance noise, once per {@code guidance_rescale}; returns the per-step latents, raw and guided predictions, the
 * final latents, the decoded images ({@code image_decoded_raw} unclamped, {@code image} in [0, 1]) and the shared
 * tensors (timesteps, RoPE table, image meta size). The decoder is the 2D {@link AutoencoderKL} built from the
 * fixture's {@code vae} config section and its {@code vae.*} weights; {@link #latentsOnly()} leaves the
 * {@code image*} outputs out.
 */
public final class HunyuanDiTPipelineGolden implements PipelineComponent {

    private final boolean withDecoder;

    /** With the real decoder: {@link AutoencoderKL} from the fixture's {@code vae} section (every output). */
    public HunyuanDiTPipelineGolden() {
        this(true);
    }

    private HunyuanDiTPipelineGolden(boolean withDecoder) {
        this.withDecoder = withDecoder;
    }

    /**
     * Without a decoder: latents-level outputs only.
     *
     * @return a component that leaves the {@code image*} outputs out
     */
    public static HunyuanDiTPipelineGolden latentsOnly() {
        return new HunyuanDiTPipelineGolden(false);
    }

    /** {@inheritDoc} */
    @Override
    public String name() {
        return "hunyuandit_pipeline";
    }

    /** {@inheritDoc} */
    @Override
    public String rawPredictionOutput() {
        return "noise_pred_raw";
    }

    /** {@inheritDoc} */
    @Override
    public Map<String, NDArray> run(GoldenFixture fx, NDManager manager, GoldenOptions options) {
        JsonConfig config = fx.config();
        JsonConfig call = config.object("call");
        HunyuanDiTConfig ditConfig = HunyuanDiTConfig.fromJson(config.object("transformer"));
        ComponentOptions componentOptions = new ComponentOptions(options.device(), options.computeDtype(),
                LoadMode.EAGER);
        Map<String, NDArray> out = new LinkedHashMap<>();
        HunyuanDiT2DModel transformer = HunyuanDiT2DModel.fromWeights(ditConfig,
                new PrefixedTensors(fx.weights(), "transformer."), componentOptions,
                "golden/hunyuandit_pipeline weights.safetensors [transformer.*]");
        HunyuanDiTPipeline.Builder builder = !withDecoder ? HunyuanDiTPipeline.latentsOnly(transformer)
                : HunyuanDiTPipeline.builder(transformer, decoder(config.object("vae"),
                        new PrefixedTensors(fx.weights(), "vae."), options));
        DDPMScheduler scheduler = new DDPMScheduler(DDPMSchedulerConfig.fromJson(config.object("scheduler")));
        try (HunyuanDiTPipeline pipe = builder.scheduler(scheduler).device(options.device()).build()) {
            HunyuanDiTEmbeddings embeddings = new HunyuanDiTEmbeddings(fx.input("prompt_embeds", manager),
                    fx.input("prompt_attention_mask", manager), fx.input("prompt_embeds_2", manager),
                    fx.input("prompt_attention_mask_2", manager), fx.input("negative_prompt_embeds", manager),
                    fx.input("negative_prompt_attention_mask", manager),
                    fx.input("negative_prompt_embeds_2", manager),
                    fx.input("negative_prompt_attention_mask_2", manager));
            NDArray varianceNoise = fx.input("variance_noise", manager);
            NoiseSource recorded = (draw, shape, m) -> {
                NDArray n = varianceNoise.get(draw).duplicate();
                n.attach(m);
                return n;
            };
            int[] original = call.getIntArray("original_size");
            int[] crops = call.getIntArray("crops_coords_top_left");
            float[] rescales = call.getFloatArray("guidance_rescale");
            HunyuanDiTRequest base = new HunyuanDiTRequest(call.getInt("height"), call.getInt("width"),
                    call.getInt("num_inference_steps"), call.getFloat("guidance_scale"), 0f, original[0],
                    original[1], 0, 0, crops[0], crops[1], call.getBoolean("use_resolution_binning", true), 0L,
                    fx.input("latents", manager));
            for (int j = 0; j < rescales.length; j++) {
                String prefix = "rescale" + j + ".";
                HunyuanDiTRequest request = base.withGuidance(base.guidanceScale(), rescales[j]);
                NDList raw = new NDList();
                NDList guided = new NDList();
                NDList steps = new NDList();
                NDArray latents = pipe.denoise(embeddings, request, recorded, (i, t, r, g, l) -> {
                    raw.add(keep(r, manager));
                    guided.add(keep(g, manager));
                    steps.add(keep(l, manager));
                });
                out.put(prefix + "noise_pred_raw", NDArrays.stack(raw, 0));
                out.put(prefix + "noise_pred_guided", NDArrays.stack(guided, 0));
                out.put(prefix + "step_latents", NDArrays.stack(steps, 0));
                out.put(prefix + "latents", latents);
                if (withDecoder) {
                    out.put(prefix + "image_decoded_raw", pipe.decodeRaw(latents.duplicate()));
                    out.put(prefix + "image", pipe.decode(latents.duplicate()));
                }
            }
            shared(out, manager, pipe, base, embeddings.batchSize(), ditConfig);
        }
        return out;
    }

    /** timesteps, transformer_timestep, image_rotary_emb.cos/sin, image_meta_size, as the pipeline builds them. */
    private static void shared(Map<String, NDArray> out, NDManager manager, HunyuanDiTPipeline pipe,
            HunyuanDiTRequest r, long batch, HunyuanDiTConfig c) {
        DiscreteSchedule s = pipe.scheduler().schedule(r.numInferenceSteps());
        float[] t = new float[s.size()];
        float[] tExpand = new float[s.size() * (int) (2 * batch)];
        for (int i = 0; i < t.length; i++) {
            t[i] = s.timestep(i);
            for (int k = 0; k < 2 * batch; k++) {
                tExpand[i * (int) (2 * batch) + k] = t[i];
            }
        }
        out.put("timesteps", manager.create(t));
        out.put("transformer_timestep", manager.create(tExpand).reshape(s.size(), 2 * batch));
        var size = HunyuanDiTPipeline.resolvedSize(r);
        RotaryEmbedding rope = HunyuanDiTRotaryPosEmbed.forGrid(manager, c.attentionHeadDim(),
                size.height() / 8 / c.patchSize(), size.width() / 8 / c.patchSize(), c.patchSize());
        out.put("image_rotary_emb.cos", rope.cos());
        out.put("image_rotary_emb.sin", rope.sin());
        float[] meta = {r.originalHeight(), r.originalWidth(), size.height(), size.width(), r.cropTop(),
            r.cropLeft()};
        float[] rows = new float[(int) (2 * batch) * meta.length];
        for (int k = 0; k < 2 * batch; k++) {
            System.arraycopy(meta, 0, rows, k * meta.length, meta.length);
        }
        out.put("image_meta_size", manager.create(rows).reshape(2 * batch, meta.length));
    }

    private static NDArray keep(NDArray value, NDManager manager) {
        NDArray copy = value.duplicate();
        copy.attach(manager);
        return copy;
    }

    /** The fixture's 2D decoder, float32 whatever the compute dtype, on the run's device. */
    private static AutoencoderKL decoder(JsonConfig config, TensorSource weights, GoldenOptions options) {
        AutoencoderKLConfig c = AutoencoderKLConfig.fromJson(config);
        return AutoencoderKL.fromWeights(c, weights,
                new ComponentOptions(options.device(), ComputeDtype.FLOAT32, LoadMode.EAGER),
                AutoencoderKLTiling.defaults(c));
    }
}
