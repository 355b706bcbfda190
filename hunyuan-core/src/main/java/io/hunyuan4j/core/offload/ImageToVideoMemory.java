package io.hunyuan4j.core.offload;

import io.hunyuan4j.core.api.Offloadable;
import io.hunyuan4j.core.offload.MemoryPlanner.MemoryPlan;
import io.hunyuan4j.core.offload.MemoryPlanner.PlanRequest;
import io.hunyuan4j.core.offload.StagePlanner.Stage;
import io.hunyuan4j.core.ops.ComputeDtype;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The device-memory plan of a HunyuanVideo-I2V generation ({@code HunyuanVideoImageToVideoPipeline}), stage by
 * stage as the pipeline runs them: the LLaVA's vision tower and projector on the image, its Llama on the I2V
 * template with the image tokens, CLIP, the VAE encoder on the image (one frame), the image-to-video DiT, the VAE
 * decoder. Weights from the manifests of the published checkpoints: {@code transformer.json} and
 * {@code text_encoder.json} (LLaVA) of an I2V folder, {@code text_encoder_2.json} and {@code vae.json} of the
 * text-to-video set (the same CLIP and VAE); plans are made by {@link StagePlanner}.
 *
 * <p>Activation models (bytes of the compute dtype e unless said): vision tower, L = 577 patches + CLS:
 * {@code L (6 D + 3 I) e + heads L^2 4}; Llama over L = crop_start 103 + 256 + 575 expanded image positions: as
 * {@link MemoryPlanner}'s ({@code L (4 h + 2 kv + 3 I) e + heads L^2 4}); CLIP as there; the VAE in float32 on
 * 256 x 256 tiles ({@link MemoryPlanner#VAE_TILE}): encoder one frame, {@code 4 c0 t^2 4}, decoder
 * {@code 4 c0 (16 + 1) t^2 4}; the DiT as {@link MemoryPlanner}'s single-stream block
 * ({@link MemoryPlanner#SINGLE_BLOCK_STREAMS} streams of S = N + text tokens), the text tokens being 252 plus the
 * interleaved image tokens (576 / 4 for token_replace, 576 / 2 for latent_concat). The Llama's token embeddings
 * (looked up on the host) and its unused causal-LM head are not placed on the device.
 */
public final class ImageToVideoMemory {

    private static final Pattern BLOCK = Pattern.compile("^(vision_tower\\.vision_model\\.encoder\\.layers\\.\\d+"
            + "|language_model\\.model\\.layers\\.\\d+|text_model\\.encoder\\.layers\\.\\d+|transformer_blocks\\.\\d+"
            + "|single_transformer_blocks\\.\\d+|context_embedder|decoder\\.up_blocks\\.\\d+|decoder\\.mid_block"
            + "|encoder\\.down_blocks\\.\\d+|encoder\\.mid_block)\\..*");
    /** diffusers' I2V template: crop_start 103 under the Llama 3 tokenizer. */
    static final int CROP_START = 103;
    /** CLIP ViT-L/14-336: 24 x 24 patches. */
    static final int IMAGE_TOKENS = 576;

    private ImageToVideoMemory() {}

    /** A parameter's onload unit: a layer or block, else shared. */
    static String blockOf(String name) {
        Matcher m = BLOCK.matcher(name);
        return m.matches() ? m.group(1) : Offloadable.SHARED;
    }

    /**
     * Plans one image-to-video generation.
     *
     * @param manifests the text-to-video manifests ({@code text_encoder_2.json}, {@code vae.json})
     * @param i2vManifests an I2V folder's ({@code transformer.json}, {@code text_encoder.json} of the LLaVA)
     * @throws IllegalArgumentException for a missing manifest, a transformer without
     *     {@code image_condition_type}, or FP8 weight storage (not modelled for I2V)
     */
    public static MemoryPlan plan(Path manifests, Path i2vManifests, PlanRequest r) {
        if (r.weights() == WeightStorage.FP8) {
            throw new IllegalArgumentException("the image-to-video plan models weights in the compute dtype only;"
                    + " got weights " + r.weights());
        }
        int e = r.dtype() == ComputeDtype.BF16 ? 2 : 4;
        Manifest dit = Manifest.read(i2vManifests, "transformer");
        Manifest llava = Manifest.read(i2vManifests, "text_encoder");
        Manifest clip = Manifest.read(manifests, "text_encoder_2");
        Manifest vae = Manifest.read(manifests, "vae");
        String type = dit.config().getStringOrNull("image_condition_type");
        if (type == null) {
            throw new IllegalArgumentException(i2vManifests.resolve("transformer.json") + ": image_condition_type is"
                    + " null; expected an image-to-video transformer (\"latent_concat\" or \"token_replace\")");
        }
        Manifest vision = part(llava, n -> n.startsWith("vision_tower.") || n.startsWith("multi_modal_projector."));
        Manifest llama = part(llava, n -> n.startsWith("language_model.model.")
                && !n.startsWith("language_model.model.embed_tokens."));
        Manifest encoder = part(vae, n -> n.startsWith("encoder.") || n.startsWith("quant_conv."));
        Manifest decoder = part(vae, n -> n.startsWith("decoder.") || n.startsWith("post_quant_conv."));

        var vc = llava.config().object("vision_config");
        long vd = vc.getInt("hidden_size");
        long vi = vc.getInt("intermediate_size");
        long vh = vc.getInt("num_attention_heads");
        long patches = (long) Math.pow(vc.getInt("image_size") / vc.getInt("patch_size"), 2) + 1;
        var tc = llava.config().object("text_config");
        long h = tc.getInt("hidden_size");
        long inter = tc.getInt("intermediate_size");
        long heads = tc.getInt("num_attention_heads");
        long kv = tc.getInt("num_key_value_heads", (int) heads) * (h / heads);
        long l = CROP_START + MemoryPlanner.TEXT_TOKENS + IMAGE_TOKENS - 1;
        var cc = clip.config();
        long ch = cc.getInt("hidden_size", 768);
        long ci = cc.getInt("intermediate_size", 3072);
        long cheads = cc.getInt("num_attention_heads", 12);
        long cl = MemoryPlanner.CLIP_TOKENS;
        long c0 = vae.config().getIntArray("block_out_channels", 128, 256, 512, 512)[0];
        long th = Math.min(r.height(), MemoryPlanner.VAE_TILE);
        long tw = Math.min(r.width(), MemoryPlanner.VAE_TILE);
        return StagePlanner.plan(r, List.of(
                new Stage("encode_prompt.vision_tower+projector", vision, ImageToVideoMemory::blockOf, e,
                        patches * (6 * vd + 3 * vi) * e + vh * patches * patches * 4),
                new Stage("encode_prompt.language_model (" + l + " tokens)", llama, ImageToVideoMemory::blockOf, e,
                        l * (4 * h + 2 * kv + 3 * inter) * e + heads * l * l * 4),
                new Stage("encode_prompt.text_encoder_2", clip, ImageToVideoMemory::blockOf, e,
                        cl * (6 * ch + 3 * ci) * e + cheads * cl * cl * 4),
                new Stage("encode_image.vae_encoder (float32)", encoder, ImageToVideoMemory::blockOf, 4,
                        4 * c0 * th * tw * 4),
                new Stage("denoise.transformer (" + type + ")", dit, ImageToVideoMemory::blockOf, e,
                        ditActivations(dit, r, e, "latent_concat".equals(type) ? 2 : 4)),
                new Stage("decode.vae_decoder (float32)", decoder, ImageToVideoMemory::blockOf, 4,
                        4 * c0 * (MemoryPlanner.VAE_TILE_FRAMES + 1) * th * tw * 4)));
    }

    /** The single-stream block's peak of {@link MemoryPlanner}, over video tokens plus the I2V text tokens. */
    private static long ditActivations(Manifest dit, PlanRequest r, long e, int interleave) {
        long text = MemoryPlanner.TEXT_TOKENS - 4 + IMAGE_TOKENS / interleave;
        return DitActivations.of(dit.config(), r, text, e).singleBlock();
    }

    private static Manifest part(Manifest m, Predicate<String> keep) {
        Map<String, ai.djl.ndarray.types.Shape> t = new LinkedHashMap<>();
        m.tensors().forEach((k, v) -> {
            if (keep.test(k)) {
                t.put(k, v);
            }
        });
        return new Manifest(m.component(), m.config(), t);
    }
}
