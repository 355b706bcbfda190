package io.hunyuan4j.golden;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.scheduler.FlowMatchEulerScheduler;
import io.hunyuan4j.core.scheduler.Schedule;
import io.hunyuan4j.core.scheduler.SchedulerConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fixture {@code scheduler}: default and pipeline schedules of {@link FlowMatchEulerScheduler} and N Euler
 * steps over the fixture's model outputs. N is read from the inputs.
 *
 * <p>Under {@link ComputeDtype#BF16} the model outputs are given to the scheduler in bf16, as a bf16 denoiser
 * returns them; the scheduler itself stays float32 (the reference upcasts in {@code step()}), so the latents
 * carry only the rounding of the model outputs.
 */
public final class SchedulerGolden implements GoldenComponent {

    /** {@inheritDoc} */
    @Override
    public String name() {
        return "scheduler";
    }

    /** The bound for the scheduler: it is plain float32 arithmetic. */
    @Override
    public double tolerance() {
        return 1e-6;
    }

    /** {@inheritDoc} */
    @Override
    public Map<String, NDArray> run(GoldenFixture fx, NDManager manager, GoldenOptions options) {
        FlowMatchEulerScheduler scheduler = new FlowMatchEulerScheduler(SchedulerConfig.fromJson(fx.config()));
        NDArray modelOutputs = F.toCompute(fx.input("model_outputs", manager), options.computeDtype());
        NDArray sample = fx.input("sample", manager);
        int n = (int) modelOutputs.getShape().get(0);
        Map<String, NDArray> out = new LinkedHashMap<>();
        Schedule def = scheduler.defaultSchedule(n);
        out.put("default.timesteps", manager.create(def.timesteps()));
        out.put("default.sigmas", manager.create(def.sigmas()));
        Schedule pipe = scheduler.schedule(n);
        out.put("timesteps", manager.create(pipe.timesteps()));
        out.put("sigmas", manager.create(pipe.sigmas()));
        NDList steps = new NDList();
        NDArray x = sample;
        for (int i = 0; i < n; i++) {
            x = scheduler.step(pipe, i, modelOutputs.get(i), x);
            steps.add(x);
        }
        out.put("step_samples", NDArrays.stack(steps, 0));
        out.put("final_sample", x);
        return out;
    }
}
