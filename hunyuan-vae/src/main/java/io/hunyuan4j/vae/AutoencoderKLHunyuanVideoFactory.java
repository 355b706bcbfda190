package io.hunyuan4j.vae;

import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.LatentDecoder;
import io.hunyuan4j.core.api.LatentDecoderFactory;
import java.nio.file.Path;
import java.util.Set;

/**
 * The {@link LatentDecoderFactory} service of this module: loads {@link AutoencoderKLHunyuanVideo} from a
 * diffusers {@code vae/} folder with diffusers' default tiling, so core finds it with {@link java.util.ServiceLoader}.
 */
public final class AutoencoderKLHunyuanVideoFactory implements LatentDecoderFactory {

    /** {@inheritDoc} */
    @Override
    public LatentDecoder load(Path vaeDir, ComponentOptions options) {
        return AutoencoderKLHunyuanVideo.load(vaeDir, options);
    }

    /** {@inheritDoc} */
    @Override
    public Set<String> classNames() {
        return Set.of("AutoencoderKLHunyuanVideo");
    }
}
