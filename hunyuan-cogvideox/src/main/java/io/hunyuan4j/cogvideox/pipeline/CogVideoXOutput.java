package io.hunyuan4j.cogvideox.pipeline;

import ai.djl.ndarray.NDArray;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What {@link CogVideoXPipeline#call} returns, in the caller's manager.
 *
 * @param latents the final latents [B, F', C, h, w] (diffusers' {@code output_type="latent"}, padding frames
 *     included)
 * @param video the decoded video [B, F, 3, H, W] in [0, 1] (diffusers' {@code output_type="pt"}), or null when
 *     not decoded
 * @param devicePeakBytes peak weight bytes the offloader placed, per component and under {@code "total"}
 */
public record CogVideoXOutput(NDArray latents, @Nullable NDArray video, Map<String, Long> devicePeakBytes) {

    /** Copies the map. */
    public CogVideoXOutput {
        devicePeakBytes = Map.copyOf(devicePeakBytes);
    }
}
