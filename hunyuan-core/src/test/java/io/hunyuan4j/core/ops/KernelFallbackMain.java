package io.hunyuan4j.core.ops;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Random;

/**
 * Run in a forked JVM by {@link KernelsTest}: {@code disabled} (with -Dhunyuan.ops.kernels=false) checks that
 * F's composed path gives the reference results and that bf16 fails with a clear exception; {@code failing}
 * checks that a kernel failing at run time falls back to the composed path and is logged once. Prints
 * {@code RESULT OK} or {@code RESULT FAIL <why>}.
 */
public final class KernelFallbackMain {

    private KernelFallbackMain() {}

    public static void main(String[] args) {
        try (NDManager m = NDManager.newBaseManager()) {
            String why = switch (args[0]) {
                case "disabled" -> disabled(m);
                case "failing" -> failing(m);
                default -> "unknown mode " + args[0];
            };
            System.out.println(why == null ? "RESULT OK" : "RESULT FAIL " + why);
        }
    }

    private static String disabled(NDManager m) {
        if (Kernels.available(Device.cpu())) {
            return "kernels loaded although disabled";
        }
        Random r = new Random(1);
        NDArray x = Ref.randn(m, r, 2, 4, 3, 5, 6);
        NDArray w = Ref.randn(m, r, 6);
        if (Ref.relErr(Ref.floats(F.rmsNorm(x, w, 1e-6f)), Ref.rmsNorm(Ref.floats(x), 6, Ref.floats(w), 1e-6f)) > 2e-6) {
            return "composed rms_norm";
        }
        if (Ref.relErr(Ref.floats(F.groupNorm(x, 2, null, null, 1e-6f)),
                Ref.groupNorm(Ref.floats(x), 2, 4, 2, null, null, 1e-6f)) > 2e-6) {
            return "composed group_norm";
        }
        if (Ref.relErr(Ref.floats(F.geluTanh(x)), Ref.geluTanh(Ref.floats(x))) > 2e-6) {
            return "composed gelu_tanh";
        }
        if (!F.padReplicate(x, 1, 1, 1, 1, 2, 0).getShape().equals(new ai.djl.ndarray.types.Shape(2, 4, 5, 7, 8))) {
            return "composed pad";
        }
        if (!(AttentionBackends.defaultBackend() instanceof ChunkedAttention)) {
            return "default backend should be chunked without kernels";
        }
        NDArray q = Ref.randn(m, r, 1, 2, 5, 4);
        NDArray fused = new FusedAttention().attention(q, q, q, null);
        if (Ref.relErr(Ref.floats(fused), Ref.floats(new ChunkedAttention().attention(q, q, q, null))) > 1e-6) {
            return "fused should fall back to chunked";
        }
        try {
            F.toBf16(x);
            return "toBf16 without kernels should throw";
        } catch (UnsupportedOperationException e) {
            if (!e.getMessage().contains("hunyuan.ops.kernels=false")) {
                return "unclear bf16 message: " + e.getMessage();
            }
        }
        return null;
    }

    private static String failing(NDManager m) {
        NDArray x = Ref.randn(m, new Random(2), 3, 4);
        for (int i = 0; i < 2; i++) {
            // 'forward' takes one tensor: two make the TorchScript call fail inside libtorch
            NDArray y = Kernels.dispatch(x, "forward", k -> k.call("forward", x, x), () -> x.mul(2f));
            if (y.getFloat(0, 0) != 2 * x.getFloat(0, 0)) {
                return "composed result expected";
            }
        }
        if (!Kernels.forDevice(Device.cpu()).failedMethods().equals(java.util.Set.of("forward"))) {
            return "failed methods " + Kernels.forDevice(Device.cpu()).failedMethods();
        }
        try {
            Kernels.dispatch(x, "gelu_tanh", k -> k.call("gelu_tanh", x, x), () -> {
                throw new IllegalArgumentException("composed rejects too");
            });
            return "an error of both paths must propagate";
        } catch (IllegalArgumentException e) {
            if (Kernels.forDevice(Device.cpu()).failedMethods().contains("gelu_tanh")) {
                return "a kernel must not be blamed when the composed path fails too";
            }
        }
        return null;
    }
}
