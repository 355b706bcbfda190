package io.hunyuan4j.core.pipeline;

import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.offload.Offload;
import java.nio.file.Path;
import java.util.Set;

/**
 * The HunyuanVideo family: {@code HunyuanVideoPipeline}, {@code HunyuanVideoImageToVideoPipeline} and
 * {@code HunyuanSkyreelsImageToVideoPipeline} folders, loaded as a {@link VideoPipeline}.
 */
public final class HunyuanVideoFamily implements PipelineFamily {

    /** The name {@link Pipelines#family(String)} and the CLI's {@code --family} use. */
    public static final String NAME = "hunyuanvideo";

    /** {@inheritDoc} */
    @Override
    public String name() {
        return NAME;
    }

    /** {@inheritDoc} */
    @Override
    public Set<String> pipelineClasses() {
        return Set.of(ModelIndex.PIPELINE_CLASS, ModelIndex.I2V_PIPELINE_CLASS, ModelIndex.SKYREELS_PIPELINE_CLASS);
    }

    /** {@inheritDoc} */
    @Override
    public Generator load(Path modelDir, ComponentOptions options, Offload offload) {
        return VideoPipeline.fromPretrained(modelDir, options, offload);
    }
}
