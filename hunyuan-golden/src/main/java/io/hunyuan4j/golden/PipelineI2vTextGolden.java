package io.hunyuan4j.golden;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.api.ImagePromptEncoder;
import io.hunyuan4j.core.api.PromptEmbeds;
import io.hunyuan4j.core.api.RgbImage;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.ops.AttentionBackends;
import io.hunyuan4j.core.ops.HostArrays;
import io.hunyuan4j.core.pipeline.CancellationToken;
import io.hunyuan4j.core.pipeline.ConditionImage;
import io.hunyuan4j.core.pipeline.GenerationRequest;
import io.hunyuan4j.core.pipeline.Latents;
import io.hunyuan4j.core.pipeline.Video;
import io.hunyuan4j.core.pipeline.VideoPipeline;
import io.hunyuan4j.core.scheduler.FlowMatchEulerScheduler;
import io.hunyuan4j.core.scheduler.SchedulerConfig;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.StateDict;
import io.hunyuan4j.core.weights.TensorSource;
import io.hunyuan4j.text.ClipConfig;
import io.hunyuan4j.text.ClipImageProcessor;
import io.hunyuan4j.text.ClipTextEncoder;
import io.hunyuan4j.text.LlavaConfig;
import io.hunyuan4j.text.LlavaPromptAssembly;
import io.hunyuan4j.text.LlavaPromptEncoder;
import io.hunyuan4j.text.LlavaTextEncoder;
import io.hunyuan4j.text.PromptTemplate;
import io.hunyuan4j.text.TextTokenizer;
import io.hunyuan4j.text.TokenizedBatch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Fixture {@code pipeline_i2v_text} (tools/golden/make_i2v_text_pipeline.py): diffusers'
 * {@code HunyuanVideoImageToVideoPipeline} from a prompt, a negative prompt and an image, every stage its own,
 * run through {@link VideoPipeline} with a {@link LlavaPromptEncoder} built from the fixture's
 * {@code text_encoder.*} / {@code text_encoder_2.*} weights, its {@code tokenizer/} and {@code tokenizer_2/}
 * folders and its {@code image_processor} config. Beside the video it reports what the encoder gave the pipeline
 * (zeroed under the masks, as the fixture stores them) and the token ids of both tokenizers.
 */
public final class PipelineI2vTextGolden implements GoldenComponent {

    /** {@inheritDoc} */
    @Override
    public String name() {
        return "pipeline_i2v_text";
    }

    /** A pipeline: {@code <= 1e-3} in float32. */
    @Override
    public double tolerance() {
        return 1e-3;
    }

    /** {@inheritDoc} */
    @Override
    public Map<String, NDArray> run(GoldenFixture fx, NDManager manager, GoldenOptions options) {
        JsonConfig config = fx.config();
        JsonConfig call = config.object("call");
        TensorSource weights = fx.weights();
        PipelineGolden.Recording.Denoiser dit = new PipelineGolden.Recording.Denoiser(FixtureComponents.transformer(
                config.object("transformer"), new PrefixedTensors(weights, "transformer."), options), manager);
        PipelineGolden.Recording.Decoder vae = new PipelineGolden.Recording.Decoder(FixtureComponents.vae(
                config.object("vae"), new PrefixedTensors(weights, "vae."), options), manager);
        Recording encoder = new Recording(encoder(fx, config, manager, options), manager);
        String prompt = call.getString("prompt");
        String negative = call.getString("negative_prompt");
        NDArray pixels = fx.input("image", manager); // [H, W, 3] in 0..255
        int h = (int) pixels.getShape().get(0);
        int w = (int) pixels.getShape().get(1);
        float[] rgb = pixels.div(255f).toFloatArray();
        GenerationRequest request = GenerationRequest.of(prompt).withNegativePrompt(negative)
                .withImage(ConditionImage.ofPixels(rgb, h, w))
                .withSize(call.getInt("height"), call.getInt("width")).withFrames(call.getInt("num_frames"))
                .withSteps(call.getInt("num_inference_steps")).withGuidanceScale(call.getFloat("guidance_scale"))
                .withTrueCfgScale(call.getFloat("true_cfg_scale"))
                .withInitialLatents(Latents.of(fx.input("latents", manager)));
        List<NDArray> stepLatents = new ArrayList<>();
        float[] timesteps = new float[request.steps()];
        List<Video> videos;
        LlavaPromptEncoder llava = encoder.inner;
        Map<String, NDArray> out = new LinkedHashMap<>();
        // the token ids, before the pipeline closes the encoder
        TokenizedBatch t1 = llava.tokenize(List.of(prompt));
        out.put("llama_input_ids", longs(manager, t1.inputIds()));
        LlavaPromptAssembly.Expanded expanded = llava.assembly().expand(
                t1.inputIds(), LlavaConfig.fromJson(config.object("text_encoder"))
                        .imageTokenIndex(), config.object("text_encoder").getLong("pad_token_id", 0));
        out.put("llava_expanded_input_ids", longs(manager, expanded.inputIds()));
        try (TextTokenizer clipTokenizer = TextTokenizer.load(fx.dir().resolve("tokenizer_2"))) {
            out.put("clip_input_ids", longs(manager, clipTokenizer.batch(List.of(prompt), 77).inputIds()));
        }
        try (VideoPipeline pipe = VideoPipeline.builder(dit, encoder, vae)
                .scheduler(new FlowMatchEulerScheduler(SchedulerConfig.fromJson(config.object("scheduler"))))
                .computeDtype(options.computeDtype()).device(options.device()).model("golden/pipeline_i2v_text")
                .build()) {
            videos = pipe.generateBatch(request, e -> {
                stepLatents.add(e.latents().duplicate().toType(DataType.FLOAT32, false));
                stepLatents.get(stepLatents.size() - 1).attach(manager);
                timesteps[e.index()] = e.timestep();
            }, CancellationToken.none());
        }
        if (encoder.calls.size() != 2) {
            throw new IllegalStateException("expected the prompt and the negative prompt to be encoded with the image,"
                    + " got " + encoder.calls.size() + " image-aware calls");
        }
        putEmbeds(out, "", encoder.calls.get(0));
        putEmbeds(out, "negative_", encoder.calls.get(1));
        out.put("timesteps", manager.create(timesteps));
        out.put("step_latents", NDArrays.stack(new NDList(stepLatents), 0));
        out.put("latents", stepLatents.get(stepLatents.size() - 1));
        out.put("video_decoded_raw", Objects.requireNonNull(vae.output, "the pipeline never decoded"));
        Video v = videos.get(0);
        NDList frames = new NDList();
        for (int f = 0; f < v.frameCount(); f++) {
            frames.add(manager.create(v.frame(f), new Shape(v.height(), v.width(), 3)).transpose(2, 0, 1));
        }
        out.put("video", NDArrays.stack(frames, 0).expandDims(0));
        return out;
    }

    /** The encoder of the fixture's weights, tokenizers and processor config; checks its template numbers. */
    private static LlavaPromptEncoder encoder(GoldenFixture fx, JsonConfig config, NDManager manager,
            GoldenOptions options) {
        JsonConfig llavaJson = config.object("text_encoder");
        LlavaConfig llavaConfig = LlavaConfig.fromJson(llavaJson);
        ClipConfig clipConfig = ClipConfig.fromJson(config.object("text_encoder_2"));
        TextTokenizer tokenizer = TextTokenizer.load(fx.dir().resolve("tokenizer"));
        TextTokenizer tokenizer2 = TextTokenizer.load(fx.dir().resolve("tokenizer_2"));
        StateDict w1 = StateDict.load(new PrefixedTensors(fx.weights(), "text_encoder."), manager, LoadMode.EAGER,
                options.computeDtype().loader(), "text_encoder.");
        LlavaTextEncoder llava = new LlavaTextEncoder(w1, llavaConfig, AttentionBackends.defaultBackend());
        w1.requireAllConsumed();
        StateDict w2 = StateDict.load(new PrefixedTensors(fx.weights(), "text_encoder_2."), manager, LoadMode.EAGER,
                options.computeDtype().loader(), "text_encoder_2.");
        ClipTextEncoder clip = new ClipTextEncoder(w2, clipConfig, AttentionBackends.defaultBackend());
        w2.requireAllConsumed();
        LlavaPromptEncoder encoder = new LlavaPromptEncoder(llava, tokenizer, clip, tokenizer2,
                ClipImageProcessor.fromJson(config.object("image_processor")),
                new PromptTemplate(LlavaPromptEncoder.I2V_TEMPLATE, LlavaPromptEncoder.I2V_CROP_START),
                llavaJson.getLong("pad_token_id", 0), List.of(tokenizer, tokenizer2));
        JsonConfig t = config.object("prompt_template");
        LlavaPromptAssembly a = encoder.assembly();
        if (a.cropStart() != t.getInt("crop_start") || a.imageEmbStart() != t.getInt("image_emb_start")
                || a.imageEmbLen() != t.getInt("image_emb_len")) {
            encoder.close();
            throw new IllegalStateException("template numbers computed " + a + " differ from the fixture's " + t.json());
        }
        return encoder;
    }

    private static void putEmbeds(Map<String, NDArray> out, String prefix, PromptEmbeds e) {
        NDArray mask = e.attentionMask().toType(DataType.FLOAT32, false);
        out.put(prefix + "prompt_embeds", e.promptEmbeds().mul(mask.expandDims(2)));
        out.put(prefix + "prompt_attention_mask", e.attentionMask().toType(DataType.INT64, false));
        out.put(prefix + "pooled_prompt_embeds", e.pooled());
    }

    private static NDArray longs(NDManager manager, long[][] rows) {
        int l = rows[0].length;
        long[] flat = new long[rows.length * l];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * l, l);
        }
        return HostArrays.longs(manager, flat, new Shape(rows.length, l)).duplicate();
    }

    /** Keeps a copy of every image-aware encoding, as a forward hook on diffusers' {@code encode_prompt}. */
    private static final class Recording implements ImagePromptEncoder {
        private final LlavaPromptEncoder inner;
        private final NDManager keep;
        final List<PromptEmbeds> calls = new ArrayList<>();

        Recording(LlavaPromptEncoder inner, NDManager keep) {
            this.inner = inner;
            this.keep = keep;
        }

        @Override
        public PromptEmbeds encode(List<String> prompts, NDManager manager) {
            return inner.encode(prompts, manager);
        }

        @Override
        public PromptEmbeds encode(List<String> prompts, RgbImage image, int imageEmbedInterleave,
                NDManager manager) {
            PromptEmbeds e = inner.encode(prompts, image, imageEmbedInterleave, manager);
            calls.add(new PromptEmbeds(copy(e.promptEmbeds()), copy(e.attentionMask()), copy(e.pooled()),
                    e.truncatedTokens()));
            return e;
        }

        private NDArray copy(NDArray a) {
            NDArray c = a.duplicate();
            c.attach(keep);
            return c;
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
