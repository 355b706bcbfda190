package io.hunyuan4j.cogvideox.vae;

import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.LatentDecoder;
import io.hunyuan4j.core.api.LatentDecoderFactory;
import java.nio.file.Path;
import java.util.Set;

/**
 * A {@link LatentDecoderFactory} for CogVideoX: loads {@link AutoencoderKLCogVideoX} from a diffusers {@code vae/}
 * folder with diffusers' default frame batching. Not registered as a service yet: {@code PretrainedLoader}
 * takes the first factory on the class path, so the pipeline wiring chooses it explicitly.
 */
public final class AutoencoderKLCogVideoXFactory implements LatentDecoderFactory {

    /** {@inheritDoc} */
    @Override
    public LatentDecoder load(Path vaeDir, ComponentOptions options) {
        return AutoencoderKLCogVideoX.load(vaeDir, options);
    }

    /** {@inheritDoc} */
    @Override
    public Set<String> classNames() {
        return Set.of("AutoencoderKLCogVideoX");
    }
}
