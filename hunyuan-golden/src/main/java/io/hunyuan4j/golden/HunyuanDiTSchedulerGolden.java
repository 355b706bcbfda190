package io.hunyuan4j.golden;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.scheduler.DDIMScheduler;
import io.hunyuan4j.core.scheduler.DDPMScheduler;
import io.hunyuan4j.core.scheduler.DDPMSchedulerConfig;
import io.hunyuan4j.core.scheduler.DiscreteSchedule;
import io.hunyuan4j.core.scheduler.DiscreteStepOutput;
import io.hunyuan4j.core.scheduler.DiscreteTimestepScheduler;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fixture {@code hunyuandit_scheduler}: {@link DDPMScheduler} (betas, alphas_cumprod, timesteps, N steps fed the
 * recorded variance noise, the per-step std) and {@link DDIMScheduler} (eta from the config) on the same model
 * outputs. Under bf16 the model outputs are given in bf16, as a bf16 denoiser returns them.
 */
public final class HunyuanDiTSchedulerGolden implements GoldenComponent {

    /** {@inheritDoc} */
    @Override
    public String name() {
        return "hunyuandit_scheduler";
    }

    /** {@inheritDoc} */
    @Override
    public Map<String, NDArray> run(GoldenFixture fx, NDManager manager, GoldenOptions options) {
        JsonConfig c = fx.config();
        DDPMSchedulerConfig ddpmConfig = DDPMSchedulerConfig.fromJson(c.object("ddpm"));
        DDPMScheduler ddpm = new DDPMScheduler(ddpmConfig);
        float eta = c.has("ddim_eta") ? c.getFloat("ddim_eta") : 0f;
        DDIMScheduler ddim = new DDIMScheduler(DDPMSchedulerConfig.fromJson(c.object("ddim")), eta);
        NDArray modelOutputs = F.toCompute(fx.input("model_outputs", manager), options.computeDtype());
        NDArray sample = fx.input("sample", manager);
        NDArray noise = fx.input("variance_noise", manager);
        int n = (int) modelOutputs.getShape().get(0);
        Map<String, NDArray> out = new LinkedHashMap<>();
        out.put("betas", manager.create(ddpmConfig.betas()));
        out.put("alphas_cumprod", manager.create(ddpm.alphasCumprod()));
        DiscreteSchedule schedule = ddpm.schedule(n);
        out.put("timesteps", timesteps(manager, schedule));
        float[] std = new float[n];
        for (int i = 0; i < n; i++) {
            std[i] = ddpm.std(schedule, i);
        }
        out.put("step_std", manager.create(std));
        out.put("final_sample", run(ddpm, schedule, modelOutputs, sample, noise, out, ""));
        DiscreteSchedule ddimSchedule = ddim.schedule(n);
        out.put("ddim.timesteps", timesteps(manager, ddimSchedule));
        run(ddim, ddimSchedule, modelOutputs, sample, noise, out, "ddim.");
        return out;
    }

    private static NDArray timesteps(NDManager manager, DiscreteSchedule s) {
        float[] t = new float[s.size()];
        for (int i = 0; i < t.length; i++) {
            t[i] = s.timestep(i);
        }
        return manager.create(t);
    }

    /** Steps through the schedule, putting the per-step outputs; returns the final sample. */
    private static NDArray run(DiscreteTimestepScheduler scheduler, DiscreteSchedule schedule, NDArray modelOutputs,
            NDArray sample, NDArray noise, Map<String, NDArray> out, String prefix) {
        NDList samples = new NDList();
        NDList originals = new NDList();
        NDArray x = sample;
        for (int i = 0; i < schedule.size(); i++) {
            DiscreteStepOutput o = scheduler.step(schedule, i, modelOutputs.get(i), x,
                    scheduler.needsNoise(schedule, i) ? noise.get(i) : null);
            x = o.prevSample();
            samples.add(x);
            originals.add(o.predOriginalSample());
        }
        out.put(prefix + "step_samples", NDArrays.stack(samples, 0));
        out.put(prefix + "pred_original_samples", NDArrays.stack(originals, 0));
        return x;
    }
}
