package io.hunyuan4j.vae.kl;

import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.LatentDecoder;
import io.hunyuan4j.core.api.LatentDecoderFactory;
import java.nio.file.Path;
import java.util.Set;

/**
 * A {@link LatentDecoderFactory} that loads {@link AutoencoderKL} from a diffusers {@code vae/} folder with tiling
 * off (a fresh diffusers model). Not registered for {@link java.util.ServiceLoader} yet: the pipeline's loader
 * takes the first factory it finds, so which VAE a model folder gets is wired where the model family is chosen.
 */
public final class AutoencoderKLFactory implements LatentDecoderFactory {

    /** {@inheritDoc} */
    @Override
    public LatentDecoder load(Path vaeDir, ComponentOptions options) {
        return AutoencoderKL.load(vaeDir, options);
    }

    /** {@inheritDoc} */
    @Override
    public Set<String> classNames() {
        return Set.of("AutoencoderKL");
    }
}
