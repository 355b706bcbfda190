package io.hunyuan4j.core.transformer;

import io.hunyuan4j.core.ops.HostArrays;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * diffusers {@code Timesteps(num_channels, flip_sin_to_cos, downscale_freq_shift)}, i.e.
 * {@code get_timestep_embedding} with {@code scale 1} and {@code max_period 10000}: sinusoids of a float
 * timestep. HunyuanVideo uses 256 channels, {@code [cos | sin]} order and no shift.
 *
 * <p>DIVERGENCE (in mechanism, not in value) from a plain {@code torch.exp}: the frequency table is computed on
 * the host, with the float32 {@code exp} algorithm of SLEEF ({@code expf_u10}) that the reference's PyTorch CPU
 * build vectorises {@code exp} with. DJL's libtorch routes {@code exp} through MKL instead, which differs by one
 * ulp at a few of the 128 frequencies; at a guidance of 6000 one ulp moves the angle by up to 4e-4 rad, more
 * than the 1e-4 parity bound. The table matches the golden oracle bit for bit.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/models/embeddings.py">diffusers Timesteps / get_timestep_embedding</a>
 */
public final class Timesteps {

    /** diffusers {@code get_timestep_embedding(max_period=10000)}. */
    public static final int MAX_PERIOD = 10000;

    private final int numChannels;
    private final boolean flipSinToCos;
    private final float downscaleFreqShift;

    /**
     * @param numChannels output width (even)
     * @param flipSinToCos {@code [cos | sin]} when true, {@code [sin | cos]} otherwise
     * @param downscaleFreqShift the frequency-spacing shift
     */
    public Timesteps(int numChannels, boolean flipSinToCos, float downscaleFreqShift) {
        if (numChannels <= 0 || numChannels % 2 != 0) {
            throw new IllegalArgumentException("num_channels must be a positive even number but is " + numChannels);
        }
        this.numChannels = numChannels;
        this.flipSinToCos = flipSinToCos;
        this.downscaleFreqShift = downscaleFreqShift;
    }

    /**
     * Embeds timesteps.
     *
     * @param timesteps [B] float
     * @return [B, num_channels] float32, in {@code timesteps}' manager
     */
    public NDArray forward(NDArray timesteps) {
        int half = numChannels / 2;
        NDManager m = timesteps.getManager();
        // exponent = -log(max_period) * arange(0, half) / (half - shift) in float32; freqs = exp(exponent)
        float negLogMaxPeriod = (float) -Math.log(MAX_PERIOD);
        float[] freqs = new float[half];
        for (int k = 0; k < half; k++) {
            freqs[k] = sleefExpf((k * negLogMaxPeriod) / (half - downscaleFreqShift));
        }
        // emb = timesteps[:, None].float() * freqs[None, :]   [B, half]
        NDArray emb = timesteps.toType(DataType.FLOAT32, false).reshape(-1, 1)
                .mul(HostArrays.floats(m, freqs, new Shape(1, half)));
        NDList parts = flipSinToCos ? new NDList(emb.cos(), emb.sin()) : new NDList(emb.sin(), emb.cos());
        return NDArrays.concat(parts, -1);
    }

    /**
     * SLEEF's {@code xexpf} (the {@code expf_u10} kernel, FMA form), float32 in and out: range reduction by
     * {@code ln 2} split in two constants, a degree-6 polynomial, and {@code ldexp}.
     */
    static float sleefExpf(float d) {
        int q = (int) Math.rint(d * 1.442695040888963407359924681001892137426645954152985934135449406931f);
        float s = Math.fma((float) q, -0.693145751953125f, d);
        s = Math.fma((float) q, -1.428606765330187045e-06f, s);
        float u = 0.000198527617612853646278381f;
        u = Math.fma(u, s, 0.00139304355252534151077271f);
        u = Math.fma(u, s, 0.00833336077630519866943359f);
        u = Math.fma(u, s, 0.0416664853692054748535156f);
        u = Math.fma(u, s, 0.166666671633720397949219f);
        u = Math.fma(u, s, 0.5f);
        u = 1.0f + Math.fma(s * s, u, s);
        u = Math.scalb(u, q);
        if (d < -104f) {
            return 0f;
        }
        return d > 100f ? Float.POSITIVE_INFINITY : u;
    }
}
