package io.hunyuan4j.core.offload;

import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.transformer.TokenChunks;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plans the peak device memory of one generation from the published checkpoints' manifests: weights resident
 * under the offload mode, plus the activations of each stage at the requested resolution. Every placement goes
 * through a {@link DeviceMemoryAccountant}, the same accounting the offloader does at run time.
 *
 * <p>Activation model (element size e of the compute dtype; S = video + text tokens, D = hidden size):
 * <ul>
 *   <li>DiT: at its peak a dual-stream block holds its input stream, q, k, v and the attention output, a
 *       single-stream block also its normed input (the blocks free each intermediate as soon as its successor
 *       exists); measured on this engine ({@code BlockMemoryProbe}, bf16, D = 3072, S = 16k to 33k tokens):
 *       {@link #DUAL_BLOCK_STREAMS} and {@link #SINGLE_BLOCK_STREAMS} streams [S, D] of growth per stream, plus
 *       the feed-forward chunk ({@link #FF_CHUNK_TOKENS} x mlp width, twice) and {@link #ENGINE_OVERHEAD_BYTES}
 *       of fixed working memory (fused attention, GEMM buffers); RoPE tables (float32) and float32 latents,
 *       noise prediction and scheduler output.</li>
 *   <li>Text encoders: per layer, hidden, normed, q/k/v, attention output and the MLP's three
 *       [L, intermediate] tensors, and float32 scores [heads, L, L].</li>
 *   <li>VAE decode: one tile ({@link #VAE_TILE} pixels square, {@link #VAE_TILE_FRAMES} + 1 frames) at the
 *       finest level: four [C0, frames, tile, tile] tensors (input, norm, conv output, residual).</li>
 * </ul>
 *
 * <p>Weights with {@link WeightStorage#FP8} ({@link PlanRequest#weights()}): the DiT's block matrices take one
 * byte per element plus a float32 scale each wherever they are placed, and the running block's FP8 matrices are
 * widened to the compute dtype beside them: NONE and MODEL hold the whole DiT in FP8 on the device plus that
 * widened block; BLOCK moves each block in FP8 (the running and the prefetched one) and widens the running one
 * on the device.
 */
public final class MemoryPlanner {

    /** Streams [S, D] a dual-stream block holds at its peak (measured slope 5.2, docs/memory.md). */
    public static final double DUAL_BLOCK_STREAMS = 5.25;
    /** Streams [S, D] a single-stream block holds at its peak (measured slope 6.2, docs/memory.md). */
    public static final double SINGLE_BLOCK_STREAMS = 6.25;
    /** Fixed working memory of a block forward beyond its streams and feed-forward chunk (measured). */
    public static final long ENGINE_OVERHEAD_BYTES = 256L << 20;

    /** Tokens per feed-forward chunk in the DiT: the transformer's {@link TokenChunks#CHUNK}. */
    public static final int FF_CHUNK_TOKENS = TokenChunks.CHUNK;
    /** diffusers AutoencoderKLHunyuanVideo: tile_sample_min_height/width 256. */
    public static final int VAE_TILE = 256;
    /** diffusers AutoencoderKLHunyuanVideo: tile_sample_min_num_frames 16. */
    public static final int VAE_TILE_FRAMES = 16;
    /** diffusers pipeline: max_sequence_length 256 user tokens after the template crop. */
    public static final int TEXT_TOKENS = 256;
    /** diffusers DEFAULT_PROMPT_TEMPLATE crop_start: template tokens before the user text. */
    public static final int TEMPLATE_TOKENS = 95;
    /** CLIP context length. */
    public static final int CLIP_TOKENS = 77;

    /**
     * What to plan.
     *
     * @param height video height in pixels
     * @param width video width in pixels
     * @param frames video frames (4k+1)
     * @param offload offload mode
     * @param dtype compute dtype (weights and activations)
     * @param budgetBytes device budget
     * @param weights how the DiT's weights are stored between uses
     */
    public record PlanRequest(int height, int width, int frames, Offload offload, ComputeDtype dtype, long budgetBytes,
            WeightStorage weights) {
        /** Checks the size, frame count and budget. */
        public PlanRequest {
            java.util.Objects.requireNonNull(weights, "weights");
            if (height <= 0 || height % 16 != 0 || width <= 0 || width % 16 != 0) {
                throw new IllegalArgumentException("height and width must be positive multiples of 16 but are "
                        + height + " and " + width);
            }
            if (frames < 1 || (frames - 1) % 4 != 0) {
                throw new IllegalArgumentException("frames must be 4k+1 but is " + frames);
            }
            if (budgetBytes <= 0) {
                throw new IllegalArgumentException("budget must be > 0 but is " + budgetBytes);
            }
        }

        /** Weights stored in the compute dtype ({@link WeightStorage#COMPUTE_DTYPE}). */
        public PlanRequest(int height, int width, int frames, Offload offload, ComputeDtype dtype, long budgetBytes) {
            this(height, width, frames, offload, dtype, budgetBytes, WeightStorage.COMPUTE_DTYPE);
        }
    }

    /**
     * One stage of the plan.
     *
     * @param stage name
     * @param weightBytes weights resident during the stage
     * @param activationBytes activations at the stage's peak
     * @param peakBytes device bytes at the stage's peak (weights, activations and anything carried over)
     */
    public record StageUsage(String stage, long weightBytes, long activationBytes, long peakBytes) { }

    /**
     * A plan.
     *
     * @param request what was planned
     * @param stages per stage
     * @param peakBytes overall peak
     * @param peakStage where it occurs
     * @param largestBlock the largest unit BLOCK mode onloads, and its bytes
     */
    public record MemoryPlan(PlanRequest request, List<StageUsage> stages, long peakBytes, String peakStage,
            Map.Entry<String, Long> largestBlock) {

        /** Whether the peak is within the budget. */
        public boolean fits() {
            return peakBytes <= request.budgetBytes();
        }

        /** The report's last line. */
        public String summaryLine() {
            return String.format(Locale.ROOT, "peak=%.2f GiB budget=%.2f GiB fits=%s", peakBytes / GIB,
                    request.budgetBytes() / GIB, fits());
        }
    }

    private static final double GIB = 1024.0 * 1024 * 1024;

    private final Manifest transformer;
    private final Manifest vae;
    private final Manifest textEncoder;
    private final Manifest textEncoder2;

    /** A planner over the four weight-holding components' manifests. */
    public MemoryPlanner(Manifest transformer, Manifest vae, Manifest textEncoder, Manifest textEncoder2) {
        this.transformer = transformer;
        this.vae = vae;
        this.textEncoder = textEncoder;
        this.textEncoder2 = textEncoder2;
    }

    /** Reads {@code transformer.json}, {@code vae.json}, {@code text_encoder.json}, {@code text_encoder_2.json}. */
    public static MemoryPlanner fromManifests(Path dir) {
        return new MemoryPlanner(Manifest.read(dir, "transformer"), Manifest.read(dir, "vae"),
                Manifest.read(dir, "text_encoder"), Manifest.read(dir, "text_encoder_2"));
    }

    /**
     * Plans a generation.
     *
     * @throws IllegalArgumentException in BLOCK mode, if the budget is smaller than the largest single block
     *     (named), before any planning
     */
    public MemoryPlan plan(PlanRequest r) {
        long e = r.dtype() == ComputeDtype.BF16 ? 2 : 4;
        Groups dit = groups(transformer, e, n -> match(n, "^(transformer_blocks\\.\\d+|single_transformer_blocks\\.\\d+|context_embedder)\\."),
                r.weights() == WeightStorage.FP8 ? MemoryPlanner::fp8Matrix : (n, s) -> false);
        Groups llama = groups(textEncoder, e, n -> n.startsWith("embed_tokens.") ? HOST : match(n, "^(layers\\.\\d+)\\."));
        Groups clip = groups(textEncoder2, e, n -> match(n, "^(text_model\\.encoder\\.layers\\.\\d+)\\."));
        // the VAE decodes in float32 under every compute dtype (hunyuan-vae, AutoencoderKLHunyuanVideo.create)
        Groups dec = groups(vae, 4, n -> n.startsWith("encoder.") || n.startsWith("quant_conv.") ? HOST
                : match(n, "^(decoder\\.up_blocks\\.\\d+|decoder\\.mid_block)\\."));
        Map.Entry<String, Long> largest = largestBlock(List.of(dit, llama, clip, dec));
        if (r.offload() == Offload.BLOCK && largest.getValue() > r.budgetBytes()) {
            throw new IllegalArgumentException("budget " + Bytes.format(r.budgetBytes()) + " is smaller than the"
                    + " largest single block " + largest.getKey() + " (" + Bytes.format(largest.getValue()) + ")");
        }
        DeviceMemoryAccountant acc = new DeviceMemoryAccountant();
        List<StageUsage> stages = new ArrayList<>();
        long allWeights = dit.total() + llama.total() + clip.total() + dec.total();
        if (r.offload() == Offload.NONE) {
            acc.place("weights", allWeights);
        }
        stages.add(stage(acc, r, "encode_prompt.text_encoder", llama,
                List.of(new Phase("layers", llama.largest(""), llamaActivations(e)))));
        stages.add(stage(acc, r, "encode_prompt.text_encoder_2", clip,
                List.of(new Phase("layers", clip.largest(""), clipActivations(e)))));
        long carried = promptBytes(4);
        acc.place("prompt_embeds", carried);
        stages.add(stage(acc, r, "denoise.transformer", dit, ditPhases(dit, r, e)));
        stages.add(stage(acc, r, "decode.vae", dec, List.of(new Phase("tile", dec.largest(""), vaeActivations(4)))));
        return new MemoryPlan(r, stages, acc.peakBytes(), acc.peakStage(), largest);
    }

    /**
     * One kind of onload unit within a stage: its largest group's bytes (as stored), the compute-dtype bytes of
     * that group's FP8 matrices while they run (0 without FP8 storage), and its activations.
     */
    private record Phase(String name, long groupBytes, long widenedBytes, long activationBytes) {
        Phase(String name, long groupBytes, long activationBytes) {
            this(name, groupBytes, 0, activationBytes);
        }
    }

    private StageUsage stage(DeviceMemoryAccountant acc, PlanRequest r, String name, Groups g, List<Phase> phases) {
        acc.stage(name);
        long before = acc.currentBytes();
        long stagePeak = before;
        long resident = 0;
        long stageActivations = 0;
        for (Phase p : phases) {
            long weights = p.widenedBytes() + switch (r.offload()) { // the running block's FP8 matrices, widened
                case NONE -> 0; // placed once for the whole run
                case MODEL -> g.total();
                // the running group, the prefetched next one of the same kind, the component's ungrouped weights
                case BLOCK -> g.shared() + 2 * p.groupBytes();
            };
            acc.place(name + ".weights", weights);
            acc.place(name + ".activations", p.activationBytes());
            stagePeak = Math.max(stagePeak, acc.currentBytes());
            acc.release(name + ".activations", p.activationBytes());
            acc.release(name + ".weights", weights);
            resident = Math.max(resident, r.offload() == Offload.NONE ? g.total() + p.widenedBytes() : weights);
            stageActivations = Math.max(stageActivations, p.activationBytes());
        }
        return new StageUsage(name, resident, stageActivations, stagePeak);
    }

    private List<Phase> ditPhases(Groups g, PlanRequest r, long e) {
        var c = transformer.config();
        DitActivations a = DitActivations.of(c, r, TEXT_TOKENS, e);
        long textDim = c.getInt("text_embed_dim", 4096);
        long refiner = TEXT_TOKENS * (textDim + 8 * a.hidden()) * e
                + (long) c.getInt("num_attention_heads", 24) * TEXT_TOKENS * TEXT_TOKENS * 4;
        return List.of(
                new Phase("context_embedder", g.largest("context_embedder"), g.widened("context_embedder"),
                        refiner + a.stream() + a.common()),
                new Phase("transformer_blocks", g.largest("transformer_blocks."), g.widened("transformer_blocks."),
                        a.dualBlock()),
                new Phase("single_transformer_blocks", g.largest("single_transformer_blocks."),
                        g.widened("single_transformer_blocks."), a.singleBlock()));
    }

    private long llamaActivations(long e) {
        var c = textEncoder.config();
        long h = c.getInt("hidden_size", 4096);
        long inter = c.getInt("intermediate_size", 14336);
        long heads = c.getInt("num_attention_heads", 32);
        long kv = c.getInt("num_key_value_heads", 8) * (h / heads);
        long l = TEMPLATE_TOKENS + TEXT_TOKENS;
        return l * (4 * h + 2 * kv + 3 * inter) * e + heads * l * l * 4;
    }

    private long clipActivations(long e) {
        var c = textEncoder2.config();
        long h = c.getInt("hidden_size", 768);
        long inter = c.getInt("intermediate_size", 3072);
        long heads = c.getInt("num_attention_heads", 12);
        long l = CLIP_TOKENS;
        return l * (6 * h + 3 * inter) * e + heads * l * l * 4;
    }

    private long vaeActivations(long e) {
        int[] channels = vae.config().getIntArray("block_out_channels", 128, 256, 512, 512);
        long c0 = channels[0];
        return 4L * c0 * (VAE_TILE_FRAMES + 1) * VAE_TILE * VAE_TILE * e;
    }

    private long promptBytes(long e) {
        long textDim = transformer.config().getInt("text_embed_dim", 4096);
        long pooled = transformer.config().getInt("pooled_projection_dim", 768);
        return (TEXT_TOKENS * textDim + TEXT_TOKENS + pooled) * e;
    }

    private static final String HOST = "\u0000host";
    private static final String SHARED = "\u0000shared";

    private static String match(String name, String regex) {
        Matcher m = Pattern.compile(regex).matcher(name);
        return m.find() ? m.group(1) : SHARED;
    }

    /** Bytes of one FP8 scale: float32, one per tensor. */
    static final long FP8_SCALE_BYTES = 4;

    /** Whether {@link WeightStorage#FP8} stores this DiT tensor as FP8: a matrix of a dual- or single-stream block. */
    static boolean fp8Matrix(String name, Shape shape) {
        return shape.dimension() == 2 && name.endsWith(".weight")
                && (name.startsWith("transformer_blocks.") || name.startsWith("single_transformer_blocks."));
    }

    /**
     * Parameter bytes of one component grouped into onload units, as stored; {@code widened} holds, per group, the
     * compute-dtype bytes of its FP8-stored tensors (empty without FP8 storage).
     */
    record Groups(String component, Map<String, Long> blocks, long shared, long host, Map<String, Long> widened) {
        /** Every parameter: what a whole-component placement moves (NONE, MODEL). */
        long total() {
            return host + shared + blocks.values().stream().mapToLong(Long::longValue).sum();
        }

        /** The largest group whose name (after the component) starts with {@code prefix}. */
        long largest(String prefix) {
            String p = component + "." + prefix;
            return blocks.entrySet().stream().filter(b -> b.getKey().startsWith(p))
                    .mapToLong(Map.Entry::getValue).max().orElse(0);
        }

        /** The largest widened FP8 bytes of a group whose name starts with {@code prefix} (0 without FP8). */
        long widened(String prefix) {
            String p = component + "." + prefix;
            return widened.entrySet().stream().filter(b -> b.getKey().startsWith(p))
                    .mapToLong(Map.Entry::getValue).max().orElse(0);
        }
    }

    private static Groups groups(Manifest m, long e, Function<String, String> grouping) {
        return groups(m, e, grouping, (n, s) -> false);
    }

    private static Groups groups(Manifest m, long e, Function<String, String> grouping,
            java.util.function.BiPredicate<String, Shape> fp8) {
        Map<String, Long> blocks = new LinkedHashMap<>();
        Map<String, Long> widened = new LinkedHashMap<>();
        long shared = 0;
        long host = 0;
        for (Map.Entry<String, Shape> t : m.tensors().entrySet()) {
            boolean f8 = fp8.test(t.getKey(), t.getValue());
            long bytes = f8 ? t.getValue().size() + FP8_SCALE_BYTES : t.getValue().size() * e;
            String g = grouping.apply(t.getKey());
            if (g.equals(SHARED)) {
                shared += bytes;
            } else if (g.equals(HOST)) {
                host += bytes;
            } else {
                blocks.merge(m.component() + "." + g, bytes, Long::sum);
                if (f8) {
                    widened.merge(m.component() + "." + g, t.getValue().size() * e, Long::sum);
                }
            }
        }
        return new Groups(m.component(), blocks, shared, host, widened);
    }

    private static Map.Entry<String, Long> largestBlock(List<Groups> all) {
        Map.Entry<String, Long> best = Map.entry("-", 0L);
        for (Groups g : all) {
            for (Map.Entry<String, Long> b : g.blocks().entrySet()) {
                if (b.getValue() > best.getValue()) {
                    best = b;
                }
            }
        }
        return best;
    }
}
