package io.hunyuan4j.core.pipeline;

import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.offload.Offload;
import java.nio.file.Path;
import java.util.Set;

/**
 * Service ({@link java.util.ServiceLoader}) for one model family: which diffusers pipeline classes it loads and
 * how. {@link Pipelines#fromPretrained} reads {@code _class_name} from a folder's {@code model_index.json} and
 * asks the family that names it, so an application with several family modules on its class path loads any of
 * their folders through one call. Register implementations in
 * {@code META-INF/services/io.hunyuan4j.core.pipeline.PipelineFamily}.
 */
public interface PipelineFamily {

    /** {@return a short lower-case name, e.g. {@code hunyuanvideo}, {@code cogvideox}, {@code hunyuandit}} */
    String name();

    /** {@return the diffusers pipeline classes ({@code _class_name}) this family loads} */
    Set<String> pipelineClasses();

    /**
     * Loads a diffusers-layout folder whose {@code model_index.json} names one of {@link #pipelineClasses()}.
     *
     * @throws IllegalArgumentException if a component folder is missing (named)
     * @throws io.hunyuan4j.core.HunyuanException for a bad model (config, weights, budget)
     */
    Generator load(Path modelDir, ComponentOptions options, Offload offload);

    /**
     * {@return a request for {@code prompt} with this family's defaults}, the same as a loaded
     * {@link Generator#request}: callers can validate a request before loading anything. By default
     * HunyuanVideo's ({@link GenerationRequest#of(String)}).
     */
    default GenerationRequest request(String prompt) {
        return GenerationRequest.of(prompt);
    }
}
