package io.hunyuan4j.cogvideox.pipeline;

import io.hunyuan4j.core.api.Offloadable;
import io.hunyuan4j.core.offload.Manifest;
import io.hunyuan4j.core.offload.MemoryPlanner.MemoryPlan;
import io.hunyuan4j.core.offload.MemoryPlanner.PlanRequest;
import io.hunyuan4j.core.offload.StagePlanner;
import io.hunyuan4j.core.offload.StagePlanner.Stage;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.text.t5.T5Precision;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The device-memory plan of a CogVideoX generation from the published manifests ({@code text_encoder},
 * {@code transformer-2b} or {@code transformer-5b}, {@code vae}): T5-XXL encodes prompt and negative prompt, the
 * DiT denoises the CFG batch of 2, the VAE decodes (float32 weights and activations, as this SDK runs it). T5 is
 * held in the dtype its {@link T5Precision} gives it (float32 by default, as this SDK runs it under bf16).
 *
 * <p>Activation models (elements of the compute dtype unless said): T5: {@code 2 * 226 (4 D + 2 ff)}; DiT, per
 * block: {@code 2 N (8 D + 2 * 4 D)} over the joint sequence of N = 226 + F' (H/16)(W/16) tokens; VAE decode,
 * TILED as diffusers' {@code enable_tiling} (tiles of at most 240 x 360 pixels, frame batches of 2 latent
 * frames = 8 output frames): four float32 tensors of {@code block_out_channels[0]} channels over one tile.
 * Untiled decoding of 480x720 needs about four times the VAE figure.
 */
public final class CogVideoXMemory {

    private static final Pattern BLOCK = Pattern.compile("^(transformer_blocks\\.\\d+|encoder\\.block\\.\\d+"
            + "|decoder\\.up_blocks\\.\\d+|decoder\\.mid_block|encoder\\.down_blocks\\.\\d+)\\..*");
    private static final int TEXT_TOKENS = 226;
    private static final int TILE_HEIGHT = 240;
    private static final int TILE_WIDTH = 360;
    private static final int DECODED_FRAMES_PER_BATCH = 8;

    private CogVideoXMemory() {}

    static String blockOf(String name) {
        Matcher m = BLOCK.matcher(name);
        return m.matches() ? m.group(1) : Offloadable.SHARED;
    }

    /**
     * Plans one video of {@code request}'s size.
     *
     * @param manifests the folder with {@code text_encoder.json}, {@code transformer-<variant>.json},
     *     {@code vae.json}
     * @param variant {@code 2b} or {@code 5b}
     * @throws IllegalArgumentException for another variant or a missing manifest
     */
    public static MemoryPlan plan(Path manifests, String variant, PlanRequest request) {
        return plan(manifests, variant, request, T5Precision.FLOAT32);
    }

    /**
     * As {@link #plan(Path, String, PlanRequest)} with the T5's precision policy (the prompt encoder's load option).
     *
     * @param t5 float32 T5 (the default) or the compute dtype (the bf16 opt-in)
     * @throws IllegalArgumentException for another variant or a missing manifest
     */
    public static MemoryPlan plan(Path manifests, String variant, PlanRequest request, T5Precision t5) {
        if (!variant.equals("2b") && !variant.equals("5b")) {
            throw new IllegalArgumentException("variant must be 2b or 5b but is " + variant);
        }
        int e = request.dtype() == ComputeDtype.BF16 ? 2 : 4;
        Manifest t5m = Manifest.read(manifests, "text_encoder");
        Manifest dit = Manifest.read(manifests, "transformer-" + variant);
        Manifest vae = Manifest.read(manifests, "vae");
        Function<String, String> blocks = CogVideoXMemory::blockOf;
        int t5e = t5.weightDtype(request.dtype()) == ComputeDtype.BF16 ? 2 : 4;
        long t5D = t5m.config().getInt("d_model");
        long t5Ff = t5m.config().getInt("d_ff");
        long d = (long) dit.config().getInt("num_attention_heads") * dit.config().getInt("attention_head_dim");
        long latentFrames = (request.frames() - 1) / 4 + 1;
        long tokens = TEXT_TOKENS + latentFrames * (request.height() / 16) * (request.width() / 16);
        long c0 = vae.config().json().getAsJsonArray("block_out_channels").get(0).getAsLong();
        long tile = (long) Math.min(request.height(), TILE_HEIGHT) * Math.min(request.width(), TILE_WIDTH);
        long frames = Math.min(request.frames(), DECODED_FRAMES_PER_BATCH);
        return StagePlanner.plan(request, List.of(
                new Stage("text_encoder (T5-XXL" + (t5e == 4 ? " fp32" : "") + ", 226 tokens)", t5m, blocks, t5e,
                        2L * TEXT_TOKENS * (4 * t5D + 2 * t5Ff) * t5e),
                // the layers outside the blocks stay float32 (CogVideoXTransformer3DModel.weightLoader)
                new Stage("transformer (denoise, CFG batch 2)", dit, blocks, e, 2 * tokens * (8 * d + 8 * d) * e, 4),
                new Stage("vae (tiled decode, float32)", vae, blocks, 4, 4L * c0 * frames * tile * 4)));
    }
}
