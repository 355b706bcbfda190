package io.hunyuan4j.core.transformer;

import io.hunyuan4j.core.weights.Checkpoints;
import io.hunyuan4j.core.weights.RemappedTensors;
import io.hunyuan4j.core.weights.RemappedTensors.Derived;
import io.hunyuan4j.core.weights.ScaledFloat8Tensors;
import io.hunyuan4j.core.weights.StoredTensors;
import io.hunyuan4j.core.weights.TensorSource;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Opens transformer weights in whatever layout they come: a diffusers {@code transformer/} folder or file, a
 * single file in Tencent's original layout (with or without a {@code model.}/{@code diffusion_model.} prefix),
 * plain, FP8, or per-tensor scaled FP8. The result always has the diffusers names, so the modules bind it
 * unchanged; every conversion is lazy (tensors are read, and converted, only when loaded).
 */
public final class TransformerCheckpoint {

    /** Key layouts of a transformer checkpoint. */
    public enum Layout {
        /** diffusers {@code HunyuanVideoTransformer3DModel} names ({@code transformer_blocks.0.attn.to_q.weight}). */
        DIFFUSERS,
        /** Tencent's original names ({@code double_blocks.0.img_attn_qkv.weight}). */
        ORIGINAL
    }

    private TransformerCheckpoint() {}

    /** The layout of a checkpoint's names (a common single-file prefix is ignored). */
    public static Layout detect(Set<String> names) {
        return OriginalLayout.isOriginal(names) ? Layout.ORIGINAL : Layout.DIFFUSERS;
    }

    /**
     * Opens {@code path} (a file, an index, or a folder, as {@link Checkpoints#open}) under diffusers names.
     *
     * @throws IllegalArgumentException if the path holds no weights
     */
    public static TensorSource open(Path path) {
        TensorSource raw = Checkpoints.open(path);
        try {
            return toDiffusers(raw);
        } catch (RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /**
     * As {@link #open(Path)}, with the checkpoint's bytes copied into memory in their stored encoding
     * ({@link StoredTensors}: an FP8 file takes one byte per weight) and the file closed. Bind it LAZY
     * ({@link HunyuanVideoTransformer3D#fromWeights}) under MODEL or BLOCK offload to keep FP8 weights as FP8 and
     * widen each block only while it runs; the caller closes the returned source after the model.
     *
     * @throws IllegalArgumentException if the path holds no weights
     */
    public static TensorSource openInMemory(Path path) {
        StoredTensors stored;
        try (TensorSource raw = Checkpoints.open(path)) {
            stored = StoredTensors.copyOf(raw);
        }
        try {
            return toDiffusers(stored);
        } catch (RuntimeException e) {
            stored.close();
            throw e;
        }
    }

    /** {@code source} under diffusers names: layout converted, prefix removed, FP8 scales applied. */
    public static TensorSource toDiffusers(TensorSource source) {
        TensorSource named;
        if (detect(source.names()) == Layout.ORIGINAL) {
            named = OriginalLayout.view(source);
        } else {
            String prefix = OriginalLayout.commonPrefix(source.names());
            named = prefix.isEmpty() ? source : stripPrefix(source, prefix);
        }
        return ScaledFloat8Tensors.wrapIfScaled(named);
    }

    private static RemappedTensors stripPrefix(TensorSource source, String prefix) {
        Map<String, Derived> m = new LinkedHashMap<>();
        for (String n : source.names()) {
            m.put(n.startsWith(prefix) ? n.substring(prefix.length()) : n, Derived.whole(n));
        }
        return RemappedTensors.of(source, m);
    }

    /**
     * The config a diffusers-named checkpoint implies, for single files that come without {@code config.json}:
     * layer counts, widths and flags are read from the shapes; what shapes cannot tell (RoPE axes, theta,
     * {@code qk_norm}) takes the published model's values (RoPE axes scaled when the head dim is not 128
     * is not attempted: pass a config for such checkpoints).
     *
     * @throws IllegalArgumentException if the head dim is not 128 or a required tensor is absent
     */
    public static TransformerConfig inferConfig(TensorSource w) {
        long[] embed = shape(w, "x_embedder.proj.weight"); // [inner, in, pt, p, p]
        int innerDim = (int) embed[0];
        int headDim = (int) shape(w, "transformer_blocks.0.attn.norm_q.weight")[0];
        TransformerConfig published = TransformerConfig.hunyuanVideo();
        if (headDim != published.attentionHeadDim()) {
            throw new IllegalArgumentException("cannot infer rope_axes_dim for head dim " + headDim
                    + " (the published model has " + published.attentionHeadDim() + "); pass a config");
        }
        int out = (int) (shape(w, "proj_out.weight")[0] / (embed[2] * embed[3] * embed[4]));
        int mlp = (int) shape(w, "transformer_blocks.0.ff.net.0.proj.weight")[0];
        return new TransformerConfig((int) embed[1], out, innerDim / headDim, headDim,
                count(w.names(), "transformer_blocks."), count(w.names(), "single_transformer_blocks."),
                count(w.names(), "context_embedder.token_refiner.refiner_blocks."), (float) mlp / innerDim,
                (int) embed[3], (int) embed[2], published.qkNorm(),
                w.names().contains("time_text_embed.guidance_embedder.linear_1.weight"),
                (int) shape(w, "context_embedder.proj_in.weight")[1],
                (int) shape(w, "time_text_embed.text_embedder.linear_1.weight")[1], published.ropeTheta(),
                published.ropeAxesDim());
    }

    private static long[] shape(TensorSource w, String name) {
        if (!w.names().contains(name)) {
            throw new IllegalArgumentException("cannot infer the transformer config: no '" + name + "'");
        }
        return w.info(name).shape().getShape();
    }

    private static int count(Set<String> names, String prefix) {
        int n = 0;
        while (true) {
            String p = prefix + n + ".";
            if (names.stream().noneMatch(k -> k.startsWith(p))) {
                return n;
            }
            n++;
        }
    }
}
