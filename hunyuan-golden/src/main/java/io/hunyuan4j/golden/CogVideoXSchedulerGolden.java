package io.hunyuan4j.golden;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.scheduler.CogVideoXDDIMScheduler;
import io.hunyuan4j.core.scheduler.CogVideoXDPMScheduler;
import io.hunyuan4j.core.scheduler.CogVideoXScheduler;
import io.hunyuan4j.core.scheduler.CogVideoXSchedulerConfig;
import io.hunyuan4j.core.scheduler.CogVideoXStepState;
import io.hunyuan4j.core.scheduler.SchedulerNoise;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fixture {@code cogvideox_scheduler/<case>}: {@link CogVideoXDDIMScheduler} or {@link CogVideoXDPMScheduler}
 * (config {@code class}) over the fixture's model outputs: timesteps of the three spacings, alphas_cumprod, every
 * step's results and the float64 diagnostics. torch's CPU generator is not reproduced: the DPM steps consume the
 * recorded {@code noise_draws} in order, and the draws this scheduler made ({@code noise_draw_step},
 * {@code noise_used}) are compared with the recorded ones.
 */
public final class CogVideoXSchedulerGolden implements GoldenComponent {

    /** {@inheritDoc} */
    @Override
    public String name() {
        return "cogvideox_scheduler";
    }

    /** {@inheritDoc} */
    @Override
    public Map<String, NDArray> run(GoldenFixture fx, NDManager manager, GoldenOptions options) {
        JsonConfig root = fx.config();
        String cls = root.getString("class");
        CogVideoXSchedulerConfig config = CogVideoXSchedulerConfig.fromJson(root.object("scheduler"));
        CogVideoXScheduler s = switch (cls) {
            case "CogVideoXDDIMScheduler" -> new CogVideoXDDIMScheduler(config);
            case "CogVideoXDPMScheduler" -> new CogVideoXDPMScheduler(config);
            default -> throw new IllegalArgumentException("unknown scheduler class " + cls);
        };
        NDArray modelOutputs = fx.input("model_outputs", manager);
        int n = (int) modelOutputs.getShape().get(0);
        Map<String, NDArray> out = new LinkedHashMap<>();
        out.put("alphas_cumprod", manager.create(s.betas().alphasCumprod()));
        out.put("final_alpha_cumprod", manager.create(s.betas().finalAlphaCumprod()));
        long[] timesteps = s.timesteps(n);
        out.put("timesteps", manager.create(timesteps));
        out.put("timesteps.leading", manager.create(s.betas().timesteps(n, "leading")));
        out.put("timesteps.linspace", manager.create(s.betas().timesteps(n, "linspace")));
        RecordedNoise noise = s.stochastic() ? new RecordedNoise(fx.outputs().load("noise_draws", manager,
                DataType.FLOAT32)) : null;
        List<NDArray> prev = new ArrayList<>();
        List<NDArray> x0 = new ArrayList<>();
        List<NDArray> used = new ArrayList<>();
        Diagnostics diag = new Diagnostics(n);
        NDArray x = fx.input("sample", manager);
        try (CogVideoXStepState state = CogVideoXStepState.create(manager)) {
            for (int i = 0; i < n; i++) {
                long t = timesteps[i];
                diag.record(s, i, n, t, state.previousTimestep());
                int before = noise == null ? 0 : noise.next;
                CogVideoXScheduler.StepOutput o = s.step(state, n, t, modelOutputs.get(i), x,
                        noise == null ? SchedulerNoise.none() : noise.forStep(i));
                if (noise != null) {
                    used.add(noise.draws.get(noise.next - 1));
                    if (noise.next == before) {
                        throw new IllegalStateException("DPM step " + i + " drew no noise");
                    }
                }
                prev.add(o.prevSample());
                x0.add(o.predOriginalSample());
                x = o.prevSample();
            }
        }
        out.put("prev_samples", NDArrays.stack(new NDList(prev), 0));
        out.put("pred_original_samples", NDArrays.stack(new NDList(x0), 0));
        out.put("final_sample", x);
        diag.put(out, manager, s instanceof CogVideoXDPMScheduler);
        if (noise != null) {
            out.put("noise_draws", NDArrays.stack(new NDList(noise.draws.subList(0, noise.next)), 0));
            out.put("noise_draw_step", manager.create(noise.steps.stream().mapToLong(Long::longValue).toArray()));
            out.put("noise_used", NDArrays.stack(new NDList(used), 0));
        }
        return out;
    }

    /** The recorded draws, handed out in order; remembers which step took each. */
    static final class RecordedNoise {
        final List<NDArray> draws = new ArrayList<>();
        final List<Long> steps = new ArrayList<>();
        int next;

        RecordedNoise(NDArray all) {
            for (int i = 0; i < all.getShape().get(0); i++) {
                draws.add(all.get(i));
            }
        }

        SchedulerNoise forStep(int step) {
            return (shape, manager) -> {
                if (next >= draws.size()) {
                    throw new IllegalStateException("more noise draws than the " + draws.size() + " recorded");
                }
                NDArray d = draws.get(next++);
                if (!d.getShape().equals(shape)) {
                    throw new IllegalStateException("draw shape " + shape + " but recorded " + d.getShape());
                }
                steps.add((long) step);
                return d;
            };
        }
    }

    /** The float64 per-step values diffusers' scheduler computes inside {@code step}. */
    static final class Diagnostics {
        final long[] prevTimestep;
        final long[] timestepBack;
        final double[] alphaProdT;
        final double[] alphaProdTPrev;
        final double[][] dpm;

        Diagnostics(int n) {
            prevTimestep = new long[n];
            timestepBack = new long[n];
            alphaProdT = new double[n];
            alphaProdTPrev = new double[n];
            dpm = new double[9][n];
        }

        void record(CogVideoXScheduler s, int i, int n, long t, long back) {
            prevTimestep[i] = s.betas().prevTimestep(t, n);
            timestepBack[i] = back;
            alphaProdT[i] = s.betas().alphaProd(t);
            alphaProdTPrev[i] = s.betas().alphaProdPrev(prevTimestep[i]);
            if (s instanceof CogVideoXDPMScheduler dpmScheduler) {
                CogVideoXDPMScheduler.Coefficients c = dpmScheduler.coefficients(n, t, back);
                double[] v = {c.h(), c.r(), c.lamb(), c.lambNext(), c.mult1(), c.mult2(), c.mult3(), c.mult4(),
                    c.multNoise()};
                for (int k = 0; k < v.length; k++) {
                    dpm[k][i] = v[k];
                }
            }
        }

        void put(Map<String, NDArray> out, NDManager m, boolean withDpm) {
            out.put("diag.prev_timestep", m.create(prevTimestep));
            out.put("diag.alpha_prod_t", m.create(alphaProdT));
            out.put("diag.alpha_prod_t_prev", m.create(alphaProdTPrev));
            if (withDpm) {
                String[] names = {"h", "r", "lamb", "lamb_next", "mult1", "mult2", "mult3", "mult4", "mult_noise"};
                for (int k = 0; k < names.length; k++) {
                    out.put("diag." + names[k], m.create(dpm[k]));
                }
                out.put("diag.timestep_back", m.create(timestepBack));
            }
        }
    }
}
