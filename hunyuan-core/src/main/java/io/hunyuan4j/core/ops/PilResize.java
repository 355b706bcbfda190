package io.hunyuan4j.core.ops;

/**
 * PIL's antialiased resize of an 8-bit image ({@code Image.resize(size, LANCZOS | BICUBIC)}, Pillow's
 * {@code ImagingResample}): a horizontal pass then a vertical one, each with the filter support grown by the
 * downscale factor (shrinking averages every source pixel), weights normalised per output pixel and applied in
 * Pillow's fixed point (22 fractional bits), every pass rounded and clamped to 8 bits. Bit-exact with Pillow:
 * diffusers' video processor resizes the conditioning image with LANCZOS, transformers' CLIPImageProcessor with
 * BICUBIC.
 *
 * @see <a href="https://github.com/python-pillow/Pillow/blob/9.4.0/src/libImaging/Resample.c">Pillow Resample.c</a>
 */
public final class PilResize {

    /** Pillow's resampling filters. */
    public enum Filter {
        /** {@code Image.LANCZOS}: Lanczos-3, support 3. */
        LANCZOS(3.0),
        /** {@code Image.BICUBIC}: the cubic convolution with a = -0.5, support 2. */
        BICUBIC(2.0);

        private final double support;

        Filter(double support) {
            this.support = support;
        }

        double apply(double x) {
            return switch (this) {
                case LANCZOS -> -3.0 <= x && x < 3.0 ? sinc(x) * sinc(x / 3.0) : 0.0;
                case BICUBIC -> bicubic(Math.abs(x));
            };
        }
    }

    /** Pillow: {@code #define a -0.5}. */
    private static final double BICUBIC_A = -0.5;
    /** Pillow: {@code PRECISION_BITS = 32 - 8 - 2}. */
    private static final int PRECISION_BITS = 32 - 8 - 2;

    private PilResize() {}

    private static double sinc(double x) {
        if (x == 0.0) {
            return 1.0;
        }
        double px = Math.PI * x;
        return Math.sin(px) / px;
    }

    private static double bicubic(double x) {
        if (x < 1.0) {
            return ((BICUBIC_A + 2.0) * x - (BICUBIC_A + 3.0)) * x * x + 1;
        }
        if (x < 2.0) {
            return (((x - 5) * x + 8) * x - 4) * BICUBIC_A;
        }
        return 0.0;
    }

    /** Per output pixel: the first input pixel and the fixed-point weights ({@code precompute_coeffs}). */
    private record Coefficients(int[] first, int[][] weights) {
        static Coefficients of(Filter filter, int inSize, int outSize) {
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = filter.support * filterScale;
            int[] first = new int[outSize];
            int[][] weights = new int[outSize][];
            for (int o = 0; o < outSize; o++) {
                double center = (o + 0.5) * scale;
                int lo = Math.max(0, (int) (center - support + 0.5));
                int hi = Math.min(inSize, (int) (center + support + 0.5));
                double[] k = new double[Math.max(0, hi - lo)];
                double sum = 0;
                for (int j = 0; j < k.length; j++) {
                    k[j] = filter.apply((j + lo - center + 0.5) / filterScale);
                    sum += k[j];
                }
                int[] fixed = new int[k.length];
                for (int j = 0; j < k.length; j++) {
                    double w = sum != 0.0 ? k[j] / sum : k[j];
                    // normalize_coeffs_8bpc: round half away from zero
                    double scaled = w * (1 << PRECISION_BITS);
                    fixed[j] = w < 0 ? (int) (-0.5 + scaled) : (int) (0.5 + scaled);
                }
                first[o] = lo;
                weights[o] = fixed;
            }
            return new Coefficients(first, weights);
        }
    }

    private static int clip8(long acc) {
        long v = acc >> PRECISION_BITS;
        return (int) Math.max(0, Math.min(255, v));
    }

    /**
     * Resizes interleaved 8-bit pixels.
     *
     * @param in [h, w, channels] values 0..255
     * @return [outH, outW, channels] values 0..255
     * @throws IllegalArgumentException for a length that does not match or a size below 1
     */
    public static int[] resize(Filter filter, int[] in, int h, int w, int channels, int outH, int outW) {
        if (h < 1 || w < 1 || outH < 1 || outW < 1 || channels < 1 || in.length != h * w * channels) {
            throw new IllegalArgumentException("resize " + h + "x" + w + "x" + channels + " (" + in.length
                    + " values) to " + outH + "x" + outW + ": sizes must be positive and match the data");
        }
        int[] pixels = in;
        int width = w;
        if (outW != w) {
            Coefficients c = Coefficients.of(filter, w, outW);
            int[] out = new int[h * outW * channels];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < outW; x++) {
                    int[] k = c.weights()[x];
                    for (int ch = 0; ch < channels; ch++) {
                        long acc = 1L << (PRECISION_BITS - 1);
                        for (int j = 0; j < k.length; j++) {
                            acc += (long) pixels[(y * w + c.first()[x] + j) * channels + ch] * k[j];
                        }
                        out[(y * outW + x) * channels + ch] = clip8(acc);
                    }
                }
            }
            pixels = out;
            width = outW;
        }
        if (outH != h) {
            Coefficients c = Coefficients.of(filter, h, outH);
            int[] out = new int[outH * width * channels];
            for (int y = 0; y < outH; y++) {
                int[] k = c.weights()[y];
                for (int x = 0; x < width; x++) {
                    for (int ch = 0; ch < channels; ch++) {
                        long acc = 1L << (PRECISION_BITS - 1);
                        for (int j = 0; j < k.length; j++) {
                            acc += (long) pixels[((c.first()[y] + j) * width + x) * channels + ch] * k[j];
                        }
                        out[(y * width + x) * channels + ch] = clip8(acc);
                    }
                }
            }
            pixels = out;
        }
        return pixels;
    }
}
