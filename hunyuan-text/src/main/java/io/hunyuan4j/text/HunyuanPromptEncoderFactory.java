package io.hunyuan4j.text;

import io.hunyuan4j.core.pipeline.ComponentOptions;
import io.hunyuan4j.core.pipeline.PromptEncoder;
import io.hunyuan4j.core.pipeline.PromptEncoderFactory;
import java.nio.file.Path;

/** ServiceLoader entry: builds {@link HunyuanPromptEncoder} from a diffusers-layout model folder. */
public final class HunyuanPromptEncoderFactory implements PromptEncoderFactory {

    /** {@inheritDoc} */
    @Override
    public PromptEncoder load(Path modelDir, ComponentOptions options) {
        return HunyuanPromptEncoder.load(modelDir, options);
    }
}
