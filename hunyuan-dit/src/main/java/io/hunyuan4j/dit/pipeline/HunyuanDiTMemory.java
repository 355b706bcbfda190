package io.hunyuan4j.dit.pipeline;

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
 * The device-memory plan of a HunyuanDiT generation from the published manifests ({@code text_encoder},
 * {@code text_encoder_2}, {@code transformer}, {@code vae}): BERT and mT5 encode prompt and negative prompt, the
 * DiT denoises the CFG batch of 2, the 2D VAE decodes (float32 weights and activations, as this SDK runs it). The
 * mT5 is held in the dtype its {@link T5Precision} gives it (float32 by default, as this SDK runs it under bf16).
 *
 * <p>Activation models (elements of the compute dtype unless said): BERT and mT5: {@code 2 L (4 D + 2 ff)};
 * DiT, per block: {@code 2 N (8 D + 2 mlp)} (residual, norms, q/k/v, attention output, feed-forward hidden) plus
 * the {@code L/2} long-skip tensors of {@code 2 N D} kept for the second half, N = (H/16)(W/16) tokens; VAE
 * decode: four float32 tensors of {@code block_out_channels[0]} channels at the output size (the last up block).
 */
public final class HunyuanDiTMemory {

    private static final Pattern BLOCK = Pattern.compile("^(blocks\\.\\d+|encoder\\.layer\\.\\d+|encoder\\.block\\.\\d+"
            + "|decoder\\.up_blocks\\.\\d+|decoder\\.mid_block|encoder\\.down_blocks\\.\\d+)\\..*");

    private HunyuanDiTMemory() {}

    /** The parameter's onload unit: a block of the DiT or an encoder, an up block of the VAE, else shared. */
    static String blockOf(String name) {
        Matcher m = BLOCK.matcher(name);
        return m.matches() ? m.group(1) : Offloadable.SHARED;
    }

    /**
     * Plans one image of {@code request}'s size (frames must be 1).
     *
     * @param manifests the folder with {@code text_encoder.json}, {@code text_encoder_2.json},
     *     {@code transformer.json}, {@code vae.json}
     * @throws IllegalArgumentException for more than one frame or a missing manifest
     */
    public static MemoryPlan plan(Path manifests, PlanRequest request) {
        return plan(manifests, request, T5Precision.FLOAT32);
    }

    /**
     * As {@link #plan(Path, PlanRequest)} with the mT5's precision policy (the prompt encoder's load option).
     *
     * @param t5 float32 mT5 (the default) or the compute dtype (the bf16 opt-in)
     * @throws IllegalArgumentException for more than one frame or a missing manifest
     */
    public static MemoryPlan plan(Path manifests, PlanRequest request, T5Precision t5) {
        if (request.frames() != 1) {
            throw new IllegalArgumentException("HunyuanDiT makes images: frames must be 1 but is " + request.frames());
        }
        int e = request.dtype() == ComputeDtype.BF16 ? 2 : 4;
        Manifest bert = Manifest.read(manifests, "text_encoder");
        Manifest mt5 = Manifest.read(manifests, "text_encoder_2");
        Manifest dit = Manifest.read(manifests, "transformer");
        Manifest vae = Manifest.read(manifests, "vae");
        Function<String, String> blocks = HunyuanDiTMemory::blockOf;
        long bertD = bert.config().getInt("hidden_size");
        long bertFf = bert.config().getInt("intermediate_size");
        int t5e = t5.weightDtype(request.dtype()) == ComputeDtype.BF16 ? 2 : 4;
        long t5D = mt5.config().getInt("d_model");
        long t5Ff = mt5.config().getInt("d_ff");
        long d = dit.config().getInt("hidden_size");
        long mlp = (long) (d * dit.config().getDouble("mlp_ratio", 4.0));
        long layers = dit.config().getInt("num_layers");
        long tokens = (long) (request.height() / 16) * (request.width() / 16);
        long c0 = vae.config().json().getAsJsonArray("block_out_channels").get(0).getAsLong();
        return StagePlanner.plan(request, List.of(
                new Stage("text_encoder (BERT, 77 tokens)", bert, blocks, e, 2L * 77 * (4 * bertD + 2 * bertFf) * e),
                new Stage("text_encoder_2 (mT5" + (t5e == 4 ? " fp32" : "") + ", 256 tokens)", mt5, blocks, t5e,
                        2L * 256 * (4 * t5D + 2 * t5Ff) * t5e),
                // the layers outside the blocks stay float32 (HunyuanDiT2DModel.weightLoader)
                new Stage("transformer (denoise, CFG batch 2)", dit, blocks, e,
                        2 * tokens * (8 * d + 2 * mlp) * e + layers / 2 * 2 * tokens * d * e, 4),
                new Stage("vae (decode, float32)", vae, blocks, 4,
                        4L * c0 * request.height() * request.width() * 4)));
    }
}
