package io.hunyuan4j.core.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.weights.TensorSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The inverse of diffusers' {@code convert_hunyuan_video_transformer_to_diffusers}, for tests: diffusers-named
 * weights to Tencent's original names, with q/k/v fused, single blocks' {@code linear1} fused and the final
 * modulation's halves in (shift, scale) order. tools/checkpoints/original_layout_oracle.py checks the same
 * inverse against diffusers itself and records the key set in {@code original-layout-keys.txt}.
 */
public final class OriginalLayoutFiles {

    private OriginalLayoutFiles() {}

    /** How the inverse fuses values: arrays, or shapes only. */
    private interface Fusion<T> {
        /** Concatenation along dimension 0. */
        T concat(List<T> parts);

        /** The two halves of dimension 0 swapped. */
        T swapHalves(T value);
    }

    private static final Fusion<NDArray> ARRAYS = new Fusion<>() {
        @Override
        public NDArray concat(List<NDArray> parts) {
            return NDArrays.concat(new NDList(parts), 0);
        }

        @Override
        public NDArray swapHalves(NDArray scaleShift) {
            NDList halves = scaleShift.split(2, 0);
            return NDArrays.concat(new NDList(halves.get(1), halves.get(0)), 0);
        }
    };

    private static final Fusion<Shape> SHAPES = new Fusion<>() {
        @Override
        public Shape concat(List<Shape> parts) {
            long[] s = parts.get(0).getShape().clone();
            s[0] = parts.stream().mapToLong(p -> p.get(0)).sum();
            return new Shape(s);
        }

        @Override
        public Shape swapHalves(Shape value) {
            return value;
        }
    };

    /** Original name to array (in {@code m}), float32. */
    public static Map<String, NDArray> invert(TensorSource w, NDManager m) {
        Map<String, NDArray> d = new LinkedHashMap<>();
        for (String n : w.names()) {
            d.put(n, w.load(n, m, DataType.FLOAT32));
        }
        return invert(d, ARRAYS);
    }

    /** Original name to shape, for diffusers names and shapes (e.g. a published checkpoint's manifest). */
    public static Map<String, Shape> invertShapes(Map<String, Shape> diffusers) {
        return invert(new LinkedHashMap<>(diffusers), SHAPES);
    }

    private static <T> Map<String, T> invert(Map<String, T> d, Fusion<T> fusion) {
        Map<String, T> out = new LinkedHashMap<>();
        for (String n : List.copyOf(d.keySet())) {
            if (!d.containsKey(n)) {
                continue;
            }
            String suffix = n.endsWith(".weight") ? ".weight" : n.endsWith(".bias") ? ".bias" : "";
            String module = n.substring(0, n.length() - suffix.length());
            Matcher dual = Pattern.compile("^transformer_blocks\\.(\\d+)\\.(.*)$").matcher(module);
            Matcher single = Pattern.compile("^single_transformer_blocks\\.(\\d+)\\.(.*)$").matcher(module);
            Matcher refiner = Pattern.compile("^context_embedder\\.token_refiner\\.refiner_blocks\\.(\\d+)\\.(.*)$")
                    .matcher(module);
            if (dual.matches()) {
                String p = "transformer_blocks." + dual.group(1) + ".";
                String o = "double_blocks." + dual.group(1) + ".";
                String rest = dual.group(2);
                if (rest.startsWith("attn.to_q") || rest.startsWith("attn.to_k") || rest.startsWith("attn.to_v")) {
                    out.put(o + "img_attn_qkv" + suffix, fuse(d, fusion, p + "attn.to_", suffix, "q", "k", "v"));
                } else if (rest.startsWith("attn.add_")) {
                    out.put(o + "txt_attn_qkv" + suffix, fuse(d, fusion, p + "attn.add_", suffix, "q_proj", "k_proj",
                            "v_proj"));
                } else {
                    out.put(o + dualName(rest) + suffix, d.remove(n));
                }
            } else if (single.matches()) {
                String p = "single_transformer_blocks." + single.group(1) + ".";
                String o = "single_blocks." + single.group(1) + ".";
                String rest = single.group(2);
                if (rest.startsWith("attn.to_") || rest.equals("proj_mlp")) {
                    out.put(o + "linear1" + suffix, fuse(d, fusion, p, suffix, "attn.to_q", "attn.to_k", "attn.to_v",
                            "proj_mlp"));
                } else {
                    out.put(o + switch (rest) {
                        case "proj_out" -> "linear2";
                        case "attn.norm_q" -> "q_norm";
                        case "attn.norm_k" -> "k_norm";
                        case "norm.linear" -> "modulation.linear";
                        default -> throw new IllegalStateException(n);
                    } + suffix, d.remove(n));
                }
            } else if (refiner.matches()) {
                String p = "context_embedder.token_refiner.refiner_blocks." + refiner.group(1) + ".";
                String o = "txt_in.individual_token_refiner.blocks." + refiner.group(1) + ".";
                String rest = refiner.group(2);
                if (rest.startsWith("attn.to_q") || rest.startsWith("attn.to_k") || rest.startsWith("attn.to_v")) {
                    out.put(o + "self_attn_qkv" + suffix, fuse(d, fusion, p + "attn.to_", suffix, "q", "k", "v"));
                } else {
                    out.put(o + switch (rest) {
                        case "attn.to_out.0" -> "self_attn_proj";
                        case "ff.net.0.proj" -> "mlp.fc1";
                        case "ff.net.2" -> "mlp.fc2";
                        case "norm_out.linear" -> "adaLN_modulation.1";
                        default -> rest; // norm1, norm2
                    } + suffix, d.remove(n));
                }
            } else if (module.equals("norm_out.linear")) {
                out.put("final_layer.adaLN_modulation.1" + suffix, fusion.swapHalves(d.remove(n)));
            } else {
                out.put(topName(module) + suffix, d.remove(n));
            }
        }
        return out;
    }

    private static <T> T fuse(Map<String, T> d, Fusion<T> fusion, String prefix, String suffix, String... parts) {
        List<T> l = new java.util.ArrayList<>();
        for (String p : parts) {
            T a = d.remove(prefix + p + suffix);
            if (a == null) {
                throw new IllegalStateException("missing " + prefix + p + suffix);
            }
            l.add(a);
        }
        return fusion.concat(l);
    }

    private static String dualName(String rest) {
        return switch (rest) {
            case "norm1.linear" -> "img_mod.linear";
            case "norm1_context.linear" -> "txt_mod.linear";
            case "attn.norm_q" -> "img_attn_q_norm";
            case "attn.norm_k" -> "img_attn_k_norm";
            case "attn.norm_added_q" -> "txt_attn_q_norm";
            case "attn.norm_added_k" -> "txt_attn_k_norm";
            case "attn.to_out.0" -> "img_attn_proj";
            case "attn.to_add_out" -> "txt_attn_proj";
            case "ff.net.0.proj" -> "img_mlp.fc1";
            case "ff.net.2" -> "img_mlp.fc2";
            case "ff_context.net.0.proj" -> "txt_mlp.fc1";
            case "ff_context.net.2" -> "txt_mlp.fc2";
            default -> throw new IllegalStateException(rest);
        };
    }

    private static String topName(String module) {
        return switch (module) {
            case "x_embedder.proj" -> "img_in.proj";
            case "context_embedder.proj_in" -> "txt_in.input_embedder";
            case "context_embedder.time_text_embed.timestep_embedder.linear_1" -> "txt_in.t_embedder.mlp.0";
            case "context_embedder.time_text_embed.timestep_embedder.linear_2" -> "txt_in.t_embedder.mlp.2";
            case "context_embedder.time_text_embed.text_embedder.linear_1" -> "txt_in.c_embedder.linear_1";
            case "context_embedder.time_text_embed.text_embedder.linear_2" -> "txt_in.c_embedder.linear_2";
            case "time_text_embed.timestep_embedder.linear_1" -> "time_in.mlp.0";
            case "time_text_embed.timestep_embedder.linear_2" -> "time_in.mlp.2";
            case "time_text_embed.guidance_embedder.linear_1" -> "guidance_in.mlp.0";
            case "time_text_embed.guidance_embedder.linear_2" -> "guidance_in.mlp.2";
            case "time_text_embed.text_embedder.linear_1" -> "vector_in.in_layer";
            case "time_text_embed.text_embedder.linear_2" -> "vector_in.out_layer";
            case "proj_out" -> "final_layer.linear";
            default -> throw new IllegalStateException(module);
        };
    }
}
