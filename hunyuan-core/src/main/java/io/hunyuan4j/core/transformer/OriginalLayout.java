package io.hunyuan4j.core.transformer;

import io.hunyuan4j.core.weights.RemappedTensors;
import io.hunyuan4j.core.weights.RemappedTensors.Derived;
import io.hunyuan4j.core.weights.RemappedTensors.Rows;
import io.hunyuan4j.core.weights.TensorSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one key mapping from Tencent's original HunyuanVideo transformer layout (the reference repository's and
 * ComfyUI's {@code double_blocks.N.img_attn_qkv.weight}, ...) to the diffusers names the modules bind. A port of
 * diffusers' {@code convert_hunyuan_video_transformer_to_diffusers}: the same ordered renames, then the same
 * special cases:
 *
 * <ul>
 *   <li>fused {@code img_attn_qkv}, {@code txt_attn_qkv} and the refiner's {@code self_attn_qkv} are cut into
 *       three equal row blocks ({@code chunk(3, dim=0)}) for {@code to_q/to_k/to_v} or
 *       {@code add_q/k/v_proj};</li>
 *   <li>a single block's {@code linear1} is cut into q, k, v (inner dim rows each) and {@code proj_mlp} (the
 *       rest); {@code linear2} is {@code proj_out};</li>
 *   <li>{@code final_layer.adaLN_modulation.1} stores (shift, scale); diffusers' {@code norm_out.linear}
 *       computes (scale, shift), so its two row halves are swapped.</li>
 * </ul>
 *
 * A prefix {@code model.}, {@code diffusion_model.} or {@code model.diffusion_model.} (ComfyUI) is removed
 * first. Conversion is lazy ({@link RemappedTensors}): every derived tensor is read from its rows of the file.
 * DIVERGENCE from diffusers: the single-block split uses the checkpoint's inner dim (the rows of
 * {@code img_in.proj.weight}) where diffusers hard-codes 3072, so reduced test configs convert too; for the
 * published model the two agree.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/loaders/single_file_utils.py">diffusers convert_hunyuan_video_transformer_to_diffusers</a>
 */
public final class OriginalLayout {

    /** Prefixes single-file checkpoints put before the transformer's names, longest first. */
    public static final List<String> PREFIXES = List.of("model.diffusion_model.", "diffusion_model.", "model.");

    /** diffusers TRANSFORMER_KEYS_RENAME_DICT, in its order (renames apply one after the other). */
    private static final Map<String, String> RENAMES = new LinkedHashMap<>();

    static {
        RENAMES.put("img_in", "x_embedder");
        RENAMES.put("time_in.mlp.0", "time_text_embed.timestep_embedder.linear_1");
        RENAMES.put("time_in.mlp.2", "time_text_embed.timestep_embedder.linear_2");
        RENAMES.put("guidance_in.mlp.0", "time_text_embed.guidance_embedder.linear_1");
        RENAMES.put("guidance_in.mlp.2", "time_text_embed.guidance_embedder.linear_2");
        RENAMES.put("vector_in.in_layer", "time_text_embed.text_embedder.linear_1");
        RENAMES.put("vector_in.out_layer", "time_text_embed.text_embedder.linear_2");
        RENAMES.put("double_blocks", "transformer_blocks");
        RENAMES.put("img_attn_q_norm", "attn.norm_q");
        RENAMES.put("img_attn_k_norm", "attn.norm_k");
        RENAMES.put("img_attn_proj", "attn.to_out.0");
        RENAMES.put("txt_attn_q_norm", "attn.norm_added_q");
        RENAMES.put("txt_attn_k_norm", "attn.norm_added_k");
        RENAMES.put("txt_attn_proj", "attn.to_add_out");
        RENAMES.put("img_mod.linear", "norm1.linear");
        RENAMES.put("img_norm1", "norm1.norm");
        RENAMES.put("img_norm2", "norm2");
        RENAMES.put("img_mlp", "ff");
        RENAMES.put("txt_mod.linear", "norm1_context.linear");
        RENAMES.put("txt_norm1", "norm1.norm");
        RENAMES.put("txt_norm2", "norm2_context");
        RENAMES.put("txt_mlp", "ff_context");
        RENAMES.put("self_attn_proj", "attn.to_out.0");
        RENAMES.put("modulation.linear", "norm.linear");
        RENAMES.put("pre_norm", "norm.norm");
        RENAMES.put("final_layer.norm_final", "norm_out.norm");
        RENAMES.put("final_layer.linear", "proj_out");
        RENAMES.put("fc1", "net.0.proj");
        RENAMES.put("fc2", "net.2");
        RENAMES.put("input_embedder", "proj_in");
    }

    /** A tensor only the original layout has (the key diffusers' single-file loader detects it by). */
    public static final String MARKER = "txt_in.individual_token_refiner.blocks.0.adaLN_modulation.1.bias";

    /** ComfyUI's scaled-FP8 marker, written without the prefix. */
    private static final String FP8_MARKER = "scaled_fp8";

    private OriginalLayout() {}

    /** The prefix all of {@code names} share among {@link #PREFIXES}, or "" if none. */
    public static String commonPrefix(Set<String> names) {
        for (String p : PREFIXES) {
            if (names.stream().anyMatch(n -> n.startsWith(p))
                    && names.stream().allMatch(n -> n.startsWith(p) || n.equals(FP8_MARKER))) {
                return p;
            }
        }
        return "";
    }

    /**
     * Whether {@code names} are a transformer in the original layout (with or without a prefix): they hold
     * {@code double_blocks.*}, {@code img_in.*} or {@code txt_in.*} tensors.
     */
    public static boolean isOriginal(Set<String> names) {
        String p = commonPrefix(names);
        return names.stream().filter(n -> n.startsWith(p)).map(n -> n.substring(p.length()))
                .anyMatch(n -> n.startsWith("double_blocks.") || n.startsWith("img_in.") || n.startsWith("txt_in."));
    }

    /**
     * The diffusers-named view of an original-layout checkpoint, read lazily from it.
     *
     * @throws IllegalArgumentException if {@code img_in.proj.weight} (which gives the inner dim) is absent
     */
    public static RemappedTensors view(TensorSource source) {
        return RemappedTensors.of(source, mapping(source));
    }

    /** Diffusers name to its derivation from the stored tensors of {@code source}. */
    public static Map<String, Derived> mapping(TensorSource source) {
        String prefix = commonPrefix(source.names());
        String embed = prefix + "img_in.proj.weight";
        if (!source.names().contains(embed)) {
            throw new IllegalArgumentException("not a HunyuanVideo transformer in the original layout: no '"
                    + embed + "' (which gives the inner dim)");
        }
        long innerDim = source.info(embed).shape().get(0);
        Map<String, Derived> out = new LinkedHashMap<>();
        for (String stored : source.names()) {
            String key = stored.startsWith(prefix) ? stored.substring(prefix.length()) : stored;
            long rows = source.info(stored).shape().dimension() == 0 ? 1 : source.info(stored).shape().get(0);
            boolean scalar = source.info(stored).size() == 1; // a per-tensor FP8 scale applies to every part
            convert(key, innerDim, rows).forEach((name, parts) -> out.put(name,
                    scalar || parts.isEmpty() ? Derived.whole(stored) : new Derived(stored, parts)));
        }
        return out;
    }

    /**
     * Converts one original key: the diffusers keys it becomes, each with the row blocks it takes (empty: the
     * whole tensor).
     *
     * @param rows rows of the stored tensor (dimension 0)
     */
    public static Map<String, List<Rows>> convert(String key, long innerDim, long rows) {
        String k = key;
        for (Map.Entry<String, String> r : RENAMES.entrySet()) {
            k = k.replace(r.getKey(), r.getValue());
        }
        Map<String, List<Rows>> out = new LinkedHashMap<>();
        if (k.contains("txt_in")) {
            if (k.contains("self_attn_qkv")) {
                String[] names = {"attn.to_q", "attn.to_k", "attn.to_v"};
                for (int i = 0; i < 3; i++) {
                    out.put(renameTxtIn(k.replace("self_attn_qkv", names[i])), chunk(rows, 3, i));
                }
            } else {
                out.put(renameTxtIn(k), List.of());
            }
        } else if (k.contains("img_attn_qkv")) {
            String[] names = {"attn.to_q", "attn.to_k", "attn.to_v"};
            for (int i = 0; i < 3; i++) {
                out.put(k.replace("img_attn_qkv", names[i]), chunk(rows, 3, i));
            }
        } else if (k.contains("txt_attn_qkv")) {
            String[] names = {"attn.add_q_proj", "attn.add_k_proj", "attn.add_v_proj"};
            for (int i = 0; i < 3; i++) {
                out.put(k.replace("txt_attn_qkv", names[i]), chunk(rows, 3, i));
            }
        } else if (k.contains("single_blocks")) {
            String b = k.replace("single_blocks", "single_transformer_blocks");
            if (b.contains("linear1.")) {
                String suffix = b.substring(b.indexOf("linear1.") + "linear1.".length());
                String base = b.substring(0, b.indexOf("linear1."));
                String[] names = {"attn.to_q", "attn.to_k", "attn.to_v"};
                for (int i = 0; i < 3; i++) {
                    out.put(base + names[i] + "." + suffix,
                            List.of(new Rows(Math.min(rows, i * innerDim), Math.min(rows, (i + 1) * innerDim))));
                }
                out.put(base + "proj_mlp." + suffix, List.of(new Rows(Math.min(rows, 3 * innerDim), rows)));
            } else {
                out.put(b.replace("linear2", "proj_out").replace("q_norm", "attn.norm_q")
                        .replace("k_norm", "attn.norm_k"), List.of());
            }
        } else if (k.contains("final_layer.adaLN_modulation.1")) {
            // stored (shift, scale); diffusers' AdaLayerNormContinuous chunks (scale, shift)
            out.put(k.replace("final_layer.adaLN_modulation.1", "norm_out.linear"),
                    List.of(new Rows(rows / 2, rows), new Rows(0, rows / 2)));
        } else {
            out.put(k, List.of());
        }
        return out;
    }

    /** diffusers remap_txt_in_.rename_key. */
    private static String renameTxtIn(String key) {
        return key.replace("individual_token_refiner.blocks", "token_refiner.refiner_blocks")
                .replace("adaLN_modulation.1", "norm_out.linear")
                .replace("txt_in", "context_embedder")
                .replace("t_embedder.mlp.0", "time_text_embed.timestep_embedder.linear_1")
                .replace("t_embedder.mlp.2", "time_text_embed.timestep_embedder.linear_2")
                .replace("c_embedder", "time_text_embed.text_embedder")
                .replace("mlp", "ff");
    }

    private static List<Rows> chunk(long rows, int n, int i) {
        long size = (rows + n - 1) / n; // torch.chunk: equal parts of ceil(rows / n)
        return List.of(new Rows(Math.min(rows, i * size), Math.min(rows, (i + 1) * size)));
    }
}
