package io.hunyuan4j.vae;

import io.hunyuan4j.core.weights.Checkpoints;
import io.hunyuan4j.core.weights.RemappedTensors;
import io.hunyuan4j.core.weights.RemappedTensors.Derived;
import io.hunyuan4j.core.weights.TensorSource;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Opens VAE weights in the layouts they come in. Tencent's original VAE ({@code AutoencoderKLCausal3D} of the
 * HunyuanVideo repository) has diffusers' parameter names already: diffusers' own
 * {@code scripts/convert_hunyuan_video_to_diffusers.py} converts it with empty {@code VAE_KEYS_RENAME_DICT} and
 * {@code VAE_SPECIAL_KEYS_REMAP} and a strict load, and diffusers' single-file loader has no HunyuanVideo VAE
 * conversion. The only difference is the container: Tencent's {@code load_vae} unwraps a {@code state_dict} entry
 * (a pickle concern; this SDK reads safetensors only) and, when any key starts with {@code vae.}, keeps only those
 * keys and removes the prefix. The same rule applies here, lazily, through {@link RemappedTensors}.
 *
 * @see <a href="https://github.com/Tencent/HunyuanVideo/blob/main/hyvideo/vae/__init__.py">HunyuanVideo load_vae</a>
 */
public final class VaeCheckpoint {

    /** The prefix Tencent's {@code load_vae} removes (keeping only the keys that have it). */
    public static final String TENCENT_PREFIX = "vae.";

    private VaeCheckpoint() {}

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
     * {@code source} under diffusers names: unchanged, or, when a key starts with {@value #TENCENT_PREFIX}, the
     * keys that do, without it (Tencent's {@code load_vae}: other keys of such a file are not the VAE's).
     */
    public static TensorSource toDiffusers(TensorSource source) {
        if (source.names().stream().noneMatch(n -> n.startsWith(TENCENT_PREFIX))) {
            return source;
        }
        Map<String, Derived> m = new LinkedHashMap<>();
        for (String n : source.names()) {
            if (n.startsWith(TENCENT_PREFIX)) {
                m.put(n.substring(TENCENT_PREFIX.length()), Derived.whole(n));
            }
        }
        return RemappedTensors.of(source, m);
    }
}
