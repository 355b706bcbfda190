package io.hunyuan4j.core.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every bf16 op of F within a bf16 bound of float32 on the same rounded inputs, over the channel counts, kernels,
 * masks and head dims of {@link Bf16Sweep} (docs/bf16-cpu.md): runs on every machine, so a CPU whose libtorch
 * bf16 kernels go wrong on a shape the SDK does not route around fails here.
 */
class Bf16SweepTest {

    /** A few bf16 ulps (2^-8 relative): correct kernels measure 0.002 to 0.005, broken ones 0.3 and more. */
    static final double BOUND = 1e-2;

    NDManager m;

    @BeforeEach
    void open() {
        assumeTrue(Kernels.available(Device.cpu()), "bf16 needs the kernel library: " + Kernels.status(Device.cpu()));
        m = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        if (m != null) {
            m.close();
        }
    }

    @Test
    void everyCaseWithinBf16Bound() {
        List<Bf16Sweep.Row> rows = Bf16Sweep.run(m, Bf16Sweep.Extent.QUICK, false);
        String bad = rows.stream().filter(r -> !(r.sdkErr() <= BOUND))
                .map(r -> r.op() + " " + r.config() + ": " + r.sdkErr()).collect(Collectors.joining("\n"));
        assertEquals("", bad, "bf16 cases over " + BOUND + " (Kernels: " + Kernels.status(Device.cpu()) + ")");
        // coverage: every op family, every channel count 1..33 in and out per conv class
        Map<String, Set<Integer>> in = new TreeMap<>();
        Map<String, Set<Integer>> out = new TreeMap<>();
        for (Bf16Sweep.Row r : rows) {
            if (r.op().startsWith("conv3d") || r.op().startsWith("conv2d")) {
                String[] io = r.config().split(" ")[1].substring(1).split("->");
                in.computeIfAbsent(r.op(), k -> new TreeSet<>()).add(Integer.parseInt(io[0]));
                out.computeIfAbsent(r.op(), k -> new TreeSet<>()).add(Integer.parseInt(io[1]));
            }
        }
        assertEquals(7 + 3, in.size(), in.keySet().toString()); // 7 conv3d and 3 conv2d classes
        for (String op : in.keySet()) {
            assertEquals(33, in.get(op).size(), op + " input channel counts");
            assertEquals(33, out.get(op).size(), op + " output channel counts");
        }
        Set<String> ops = rows.stream().map(Bf16Sweep.Row::op).collect(Collectors.toCollection(TreeSet::new));
        assertTrue(ops.containsAll(List.of("linear", "attention fused", "attention chunked", "layer_norm",
                "layer_norm affine", "rms_norm", "group_norm")), ops.toString());
    }

    @Test
    void conv3dWithWholeChannelBlocksIsLibtorchsConvolution() {
        // channel counts that are multiples of 16 (the large VAE convolutions) run unchanged: bit-identical
        Random r = new Random(5);
        NDArray x = F.toBf16(Ref.randn(m, r, 1, 32, 3, 5, 7));
        NDArray w = F.toBf16(Ref.randn(m, r, 16, 32, 3, 3, 3));
        NDArray b = F.toBf16(Ref.randn(m, r, 16));
        Shape one = new Shape(1, 1, 1);
        NDArray sdk = F.conv3d(x, w, b, one, one);
        NDArray fused = F.conv3dFused(x, w, b, one, one);
        assertTrue(F.isBf16(sdk));
        assertArrayEquals(Ref.floats(fused), Ref.floats(sdk), 0f);
    }

    @Test
    void conv3dPatchesAndPaddedChannelsKeepConvShapesAndDtypes() {
        Random r = new Random(6);
        // patches: odd T/H/W drop their remainder as a strided convolution does
        NDArray x = F.toBf16(Ref.randn(m, r, 2, 6, 3, 7, 9));
        NDArray w = F.toBf16(Ref.randn(m, r, 36, 6, 2, 2, 2));
        Shape k = new Shape(2, 2, 2);
        NDArray patches = F.conv3d(x, w, null, k, new Shape(0, 0, 0));
        assertEquals(new Shape(2, 36, 1, 3, 4), patches.getShape());
        NDArray ref = F.conv3d(F.toFloat32(x), F.toFloat32(w), null, k, new Shape(0, 0, 0));
        assertTrue(Bf16Sweep.relErr(patches, ref) <= BOUND);
        // padded channels: 6 -> 16 in, 5 -> 16 out, sliced back to 5; float32 activation in, float32 out
        NDArray w5 = F.toBf16(Ref.randn(m, r, 5, 6, 3, 3, 3));
        NDArray b5 = Ref.randn(m, r, 5);
        NDArray y = F.conv3d(F.toFloat32(x), w5, b5, new Shape(1, 2, 2), new Shape(1, 1, 1));
        assertEquals(DataType.FLOAT32, y.getDataType());
        assertEquals(new Shape(2, 5, 3, 4, 5), y.getShape());
        NDArray ref5 = F.conv3d(F.toFloat32(x), F.toFloat32(w5), F.toFloat32(F.toBf16(b5)), new Shape(1, 2, 2),
                new Shape(1, 1, 1));
        assertTrue(Bf16Sweep.relErr(y, ref5) <= BOUND);
    }
}
