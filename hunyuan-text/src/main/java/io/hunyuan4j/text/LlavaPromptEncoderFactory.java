package io.hunyuan4j.text;

import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.PromptEncoder;
import io.hunyuan4j.core.api.PromptEncoderFactory;
import java.nio.file.Path;
import java.util.Set;

/** ServiceLoader entry: builds {@link LlavaPromptEncoder} from a diffusers-layout HunyuanVideo-I2V folder. */
public final class LlavaPromptEncoderFactory implements PromptEncoderFactory {

    /** {@inheritDoc} */
    @Override
    public PromptEncoder load(Path modelDir, ComponentOptions options) {
        return LlavaPromptEncoder.load(modelDir, options);
    }

    /** {@inheritDoc} */
    @Override
    public Set<String> classNames() {
        return Set.of("LlavaForConditionalGeneration");
    }
}
