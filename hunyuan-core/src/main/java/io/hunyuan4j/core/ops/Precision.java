package io.hunyuan4j.core.ops;

import java.util.Locale;

/**
 * How float32 convolutions may run on a GPU. On NVIDIA GPUs since Ampere, libtorch lets cuDNN compute float32
 * convolutions in TF32 (10-bit mantissa inputs) by default ({@code torch.backends.cudnn.allow_tf32 = True}), which
 * moves a single conv3d about 3e-4 away from its float32 value and breaks float32 golden parity (1e-4). The SDK
 * therefore runs float32 convolutions through the kernel library's {@code aten::_convolution} call with an explicit
 * {@code allow_tf32} argument: {@link #STRICT} (false) unless asked otherwise.
 *
 * <p>float32 matmuls ({@link F#linear}) need no argument: libtorch's default matmul precision is "highest" (no
 * TF32), nothing in DJL or the SDK changes it, and TorchScript offers no per-call switch; both modes leave them
 * in full float32. On a CPU, TF32 does not exist and both modes give the same bits.
 *
 * <p>The setting is read from the system property {@value #PROPERTY} ({@code strict}, the default, or
 * {@code fast}) when an op runs, or passed explicitly to the {@code F.conv3d}/{@code F.conv2d} overloads that take
 * one. golden-check refuses {@link #FAST}.
 */
public enum Precision {
    /** float32 means float32: convolutions with {@code allow_tf32=false}. The default. */
    STRICT,
    /** float32 convolutions may use TF32 tensor cores on GPUs that have them (faster, about 1e-3 relative). */
    FAST;

    /** The system property that selects the process-wide default: {@code strict} or {@code fast}. */
    public static final String PROPERTY = "hunyuan.precision";

    /** Whether a convolution in this mode may use TF32: the {@code allow_tf32} argument passed to libtorch. */
    public boolean allowTf32() {
        return this == FAST;
    }

    /**
     * The mode named by {@value #PROPERTY}, {@link #STRICT} when it is unset.
     *
     * @throws IllegalArgumentException naming the accepted values when the property holds anything else
     */
    public static Precision configured() {
        String v = System.getProperty(PROPERTY);
        return v == null || v.isBlank() ? STRICT : parse(v);
    }

    /**
     * The mode named {@code name} ({@code strict} or {@code fast}, any case).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Precision parse(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "strict" -> STRICT;
            case "fast" -> FAST;
            default -> throw new IllegalArgumentException("precision must be 'strict' or 'fast' but is '" + name
                    + "' (-D" + PROPERTY + ")");
        };
    }
}
