package io.hunyuan4j.core.scheduler;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The arithmetic {@link DDPMScheduler} and {@link DDIMScheduler} share (both copy it in diffusers). */
final class Steps {

    private Steps() {}

    static void checkShapes(NDArray modelOutput, NDArray sample, @Nullable NDArray noise, boolean needsNoise) {
        if (!modelOutput.getShape().equals(sample.getShape())) {
            throw new IllegalArgumentException("model_output " + modelOutput.getShape()
                    + " must have the sample's shape " + sample.getShape());
        }
        if (needsNoise && noise == null) {
            throw new IllegalArgumentException("this step adds noise: variance_noise shaped like the sample "
                    + sample.getShape() + " is required");
        }
        if (noise != null && !noise.getShape().equals(sample.getShape())) {
            throw new IllegalArgumentException("variance_noise " + noise.getShape()
                    + " must have the sample's shape " + sample.getShape());
        }
    }

    /** x0 from the model output for the prediction type, then {@code clip_sample}. */
    static NDArray predOriginalSample(DDPMSchedulerConfig c, NDArray modelOutput, NDArray sample, float alphaProdT,
            float betaProdT) {
        float sqrtA = (float) Math.sqrt(alphaProdT);
        float sqrtB = (float) Math.sqrt(betaProdT);
        NDArray x0 = switch (c.predictionType()) {
            case "epsilon" -> sample.sub(modelOutput.mul(sqrtB)).div(sqrtA);
            case "sample" -> modelOutput.duplicate();
            default -> sample.mul(sqrtA).sub(modelOutput.mul(sqrtB)); // v_prediction
        };
        if (c.clipSample()) {
            x0 = x0.clip(-c.clipSampleRange(), c.clipSampleRange());
        }
        return x0;
    }

    /** The noise eps for DDIM's direction term (x0 not clipped for v/epsilon, as in the reference). */
    static NDArray predEpsilon(DDPMSchedulerConfig c, NDArray modelOutput, NDArray sample, NDArray x0,
            float alphaProdT, float betaProdT) {
        float sqrtA = (float) Math.sqrt(alphaProdT);
        float sqrtB = (float) Math.sqrt(betaProdT);
        return switch (c.predictionType()) {
            case "epsilon" -> modelOutput.duplicate();
            case "sample" -> sample.sub(x0.mul(sqrtA)).div(sqrtB);
            default -> modelOutput.mul(sqrtA).add(sample.mul(sqrtB)); // v_prediction
        };
    }

    static NDArray[] distinct(@Nullable NDArray... arrays) {
        Map<NDArray, Boolean> seen = new IdentityHashMap<>();
        List<NDArray> out = new ArrayList<>();
        for (NDArray a : arrays) {
            if (a != null && seen.put(a, Boolean.TRUE) == null) {
                out.add(a);
            }
        }
        return out.toArray(new NDArray[0]);
    }
}
