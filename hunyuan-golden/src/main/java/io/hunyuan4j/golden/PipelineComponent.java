package io.hunyuan4j.golden;

import java.util.Set;

/**
 * A golden component that runs a whole denoising pipeline: the fixtures READMEs' 1e-3 in float32, and under bf16
 * the first step's raw prediction at the modules' bound with every output within
 * {@link GoldenOptions#BF16_PIPELINE_TOLERANCE} (docs/cogvideox.md, "bf16 precision policy", says why).
 */
public interface PipelineComponent extends GoldenComponent {

    /** {@return the name of the output that stacks the raw model predictions over the steps along axis 0} */
    String rawPredictionOutput();

    /** The fixtures READMEs: 1e-3 for a pipeline (errors compound over the steps and the VAE). */
    @Override
    default double tolerance() {
        return 1e-3;
    }

    /** {@link GoldenOptions#BF16_PIPELINE_TOLERANCE}. */
    @Override
    default double bf16Tolerance() {
        return GoldenOptions.BF16_PIPELINE_TOLERANCE;
    }

    /** The raw predictions. */
    @Override
    default Set<String> bf16FirstStepOutputs() {
        return Set.of(rawPredictionOutput());
    }
}
