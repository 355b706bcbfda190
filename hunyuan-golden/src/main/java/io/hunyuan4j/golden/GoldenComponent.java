package io.hunyuan4j.golden;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Map;

/**
 * The SDK's implementation of one fixture component, discovered with {@link java.util.ServiceLoader}: this
 * module registers the scheduler, transformer, vae, text and pipeline ones
 * ({@code META-INF/services/io.hunyuan4j.golden.GoldenComponent}), and other jars may add their own.
 *
 * <p>An implementation builds its module from the fixture's config and weights (never from assumptions about
 * the public fixtures' shapes), runs it on the fixture's inputs, and returns every output it computes under
 * the fixture's output names.
 */
public interface GoldenComponent {

    /** {@return the fixture folder name this implements, e.g. {@code scheduler}} */
    String name();

    /**
     * Runs the component.
     *
     * @param fixture config, weights and inputs
     * @param manager where outputs live
     * @param options compute dtype and the like
     * @return outputs by name; every name in {@code outputs.safetensors} is expected
     */
    Map<String, NDArray> run(GoldenFixture fixture, NDManager manager, GoldenOptions options);

    /** {@return the float32 tolerance on max relative error} The fixtures README: 1e-4 for modules, 1e-3 for the pipeline. */
    default double tolerance() {
        return 1e-4;
    }

    /** {@return the bound under {@code --compute-dtype bf16}, against the float32 fixtures} */
    default double bf16Tolerance() {
        return GoldenOptions.BF16_TOLERANCE;
    }

    /**
     * Outputs stacked over the denoising steps along axis 0 (a pipeline's raw predictions) whose first step, one
     * denoiser call through the pipeline's whole plumbing before any error compounds, is held to
     * {@link GoldenOptions#BF16_TOLERANCE} under bf16 while the whole component is held to
     * {@link #bf16Tolerance()}. A name matches an output of that name or ending in {@code "." + name}.
     *
     * @return the names; none for a single module
     */
    default java.util.Set<String> bf16FirstStepOutputs() {
        return java.util.Set.of();
    }
}
