package io.hunyuan4j.core.lora;

import io.hunyuan4j.core.transformer.OriginalLayout;
import io.hunyuan4j.core.weights.RemappedTensors.Derived;
import io.hunyuan4j.core.weights.RemappedTensors.Rows;
import io.hunyuan4j.core.weights.TensorSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Names the tensors of a LoRA file the diffusers way, whatever its layout: {@code <module>.lora_A.weight},
 * {@code <module>.lora_B.weight} and optionally {@code <module>.alpha}, where {@code module} is a linear layer of
 * diffusers' {@code HunyuanVideoTransformer3DModel}. The port of diffusers' {@code HunyuanVideoLoraLoaderMixin
 * .lora_state_dict} / {@code _convert_hunyuan_video_lora_to_diffusers}, plus kohya/musubi-tuner's flattened names.
 *
 * <p>An original-layout module becomes the diffusers modules {@link OriginalLayout#convert} gives for its weight:
 * {@code lora_B} (the output rows) is cut or reordered the way the weight's rows are, {@code lora_A} and alpha are
 * shared. DIVERGENCE from diffusers: diffusers also chunks {@code lora_A} of the refiner's {@code self_attn_qkv}
 * and swaps the halves of {@code lora_A} of {@code final_layer.adaLN_modulation.1}, which splits the rank rather
 * than the output; here only {@code lora_B} is cut, which keeps {@code B A} equal to the rows of the fused delta.
 */
final class LoraKeys {

    /** Prefixes removed before matching, in this order. */
    private static final List<String> PREFIXES = List.of("base_model.model.", "transformer.",
            "model.diffusion_model.", "diffusion_model.");

    private static final Pattern KOHYA = Pattern.compile("^lora_unet_([A-Za-z0-9_]+)\\.(lora_down\\.weight"
            + "|lora_up\\.weight|alpha)$");
    private static final Pattern TAIL = Pattern.compile("^(.+)\\.(lora_A\\.weight|lora_B\\.weight|lora_down\\.weight"
            + "|lora_up\\.weight|alpha)$");
    private static final Pattern KOHYA_BLOCK = Pattern.compile(
            "^(double_blocks|single_blocks|txt_in_individual_token_refiner_blocks)_(\\d+)_(.+)$");

    /** Flattened original module tails to their dotted names. */
    private static final Map<String, String> FLAT = new LinkedHashMap<>();

    static {
        for (String s : List.of("img_mod.linear", "img_attn_qkv", "img_attn_proj", "img_mlp.fc1", "img_mlp.fc2",
                "txt_mod.linear", "txt_attn_qkv", "txt_attn_proj", "txt_mlp.fc1", "txt_mlp.fc2", "linear1", "linear2",
                "modulation.linear", "self_attn_qkv", "self_attn_proj", "mlp.fc1", "mlp.fc2", "adaLN_modulation.1",
                "txt_in.input_embedder", "txt_in.t_embedder.mlp.0", "txt_in.t_embedder.mlp.2",
                "txt_in.c_embedder.linear_1", "txt_in.c_embedder.linear_2", "time_in.mlp.0", "time_in.mlp.2",
                "vector_in.in_layer", "vector_in.out_layer", "guidance_in.mlp.0", "guidance_in.mlp.2",
                "final_layer.linear", "final_layer.adaLN_modulation.1")) {
            FLAT.put(s.replace('.', '_'), s);
        }
    }

    /** The canonical view: names to derivations, the layout found, and keys of no layout. */
    record Canonical(Map<String, Derived> mapping, LoraLayout layout, List<String> unknown) { }

    private LoraKeys() {}

    /**
     * Canonical names for every tensor of {@code source}.
     *
     * @param innerDim the transformer's inner dim (splits a single block's {@code linear1})
     */
    static Canonical canonical(TensorSource source, long innerDim) {
        Map<String, Derived> out = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        LoraLayout layout = LoraLayout.DIFFUSERS;
        for (String stored : source.names()) {
            String key = strip(stored);
            String module;
            String tail;
            Matcher k = KOHYA.matcher(key);
            Matcher t = TAIL.matcher(key);
            if (k.matches()) {
                module = unflatten(k.group(1));
                tail = k.group(2);
                layout = LoraLayout.KOHYA;
            } else if (t.matches()) {
                module = t.group(1);
                tail = t.group(2);
            } else {
                unknown.add(stored);
                continue;
            }
            if (module == null) {
                unknown.add(stored);
                continue;
            }
            String part = switch (tail) {
                case "lora_A.weight", "lora_down.weight" -> "lora_A.weight";
                case "lora_B.weight", "lora_up.weight" -> "lora_B.weight";
                default -> "alpha";
            };
            if (isOriginal(module)) {
                if (layout == LoraLayout.DIFFUSERS) {
                    layout = LoraLayout.ORIGINAL;
                }
                long rows = source.info(stored).shape().dimension() == 0 ? 1 : source.info(stored).shape().get(0);
                for (Map.Entry<String, List<Rows>> e : OriginalLayout.convert(module + ".weight", innerDim, rows)
                        .entrySet()) {
                    String target = e.getKey().substring(0, e.getKey().length() - ".weight".length());
                    boolean cut = part.equals("lora_B.weight") && !e.getValue().isEmpty();
                    out.put(target + "." + part, cut ? new Derived(stored, e.getValue()) : Derived.whole(stored));
                }
            } else {
                out.put(module + "." + part, Derived.whole(stored));
            }
        }
        return new Canonical(out, layout, unknown);
    }

    private static String strip(String key) {
        for (String p : PREFIXES) {
            if (key.startsWith(p)) {
                return key.substring(p.length());
            }
        }
        return key;
    }

    /** Original module names: the layout's top-level modules. */
    private static boolean isOriginal(String module) {
        return module.startsWith("double_blocks.") || module.startsWith("single_blocks.")
                || module.startsWith("txt_in.") || module.startsWith("final_layer.") || module.startsWith("img_in.")
                || module.startsWith("time_in.") || module.startsWith("vector_in.")
                || module.startsWith("guidance_in.");
    }

    /** kohya's {@code double_blocks_0_img_attn_qkv} to {@code double_blocks.0.img_attn_qkv}, or null. */
    static @Nullable String unflatten(String flat) {
        Matcher b = KOHYA_BLOCK.matcher(flat);
        if (b.matches()) {
            String tail = FLAT.get(b.group(3));
            if (tail == null) {
                return null;
            }
            String block = b.group(1).equals("txt_in_individual_token_refiner_blocks")
                    ? "txt_in.individual_token_refiner.blocks" : b.group(1);
            return block + "." + b.group(2) + "." + tail;
        }
        String top = FLAT.get(flat);
        return top != null && top.contains(".") && isOriginal(top) ? top : null;
    }
}
