package io.hunyuan4j.core.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.DenoiserInput;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.weights.DType;
import io.hunyuan4j.core.weights.Float8;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.SafetensorsFile;
import io.hunyuan4j.core.weights.SafetensorsWriter;
import io.hunyuan4j.core.weights.TensorSource;
import io.hunyuan4j.golden.GoldenCheck;
import io.hunyuan4j.golden.GoldenFixture;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Single-file checkpoints in Tencent's original layout (and FP8 ones) give the diffusers-layout outputs: the public
 * transformer fixture is inverted to the original names, written, and loaded through {@link TransformerCheckpoint}.
 */
class OriginalLayoutTest {

    private static Path fixture() {
        return GoldenCheck.fixturesDir().resolve("transformer");
    }

    private static TransformerConfig config() {
        return TransformerConfig.fromJson(io.hunyuan4j.core.config.JsonConfig.read(fixture().resolve("config.json")));
    }

    /** Writes the fixture in the original layout, names prefixed with {@code prefix}. */
    private static Path writeOriginal(Path file, String prefix) {
        try (GoldenFixture fx = GoldenFixture.open(fixture()); NDManager m = NDManager.newBaseManager()) {
            SafetensorsWriter wr = new SafetensorsWriter();
            OriginalLayoutFiles.invert(fx.weights(), m).forEach((n, a) -> wr.add(prefix + n, a, DType.F32));
            return wr.write(file);
        }
    }

    private static NDArray sample(HunyuanVideoTransformer3D model, NDManager m) {
        try (GoldenFixture fx = GoldenFixture.open(fixture())) {
            return model.forward(new DenoiserInput(fx.input("hidden_states", m), fx.input("timestep", m),
                    fx.input("encoder_hidden_states", m), fx.input("encoder_attention_mask", m),
                    fx.input("pooled_projections", m), fx.input("guidance", m)));
        }
    }

    private static float[] reference(NDManager m, ComponentOptions options) {
        try (HunyuanVideoTransformer3D ref = HunyuanVideoTransformer3D.load(fixture().resolve("weights.safetensors"),
                config(), options)) {
            return sample(ref, m).toFloatArray();
        }
    }

    /** The key set the inverse produces is the one diffusers' converter maps back (recorded by the oracle script). */
    @Test
    void inverseKeysMatchTheDiffusersOracle(@TempDir Path tmp) throws IOException {
        Path file = writeOriginal(tmp.resolve("orig.safetensors"), "");
        Set<String> want = new TreeSet<>();
        try (InputStream in = getClass().getResourceAsStream("original-layout-keys.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    want.add(line.trim());
                }
            }
        }
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertEquals(want, new TreeSet<>(f.names()));
            assertEquals(TransformerCheckpoint.Layout.ORIGINAL, TransformerCheckpoint.detect(f.names()));
        }
    }

    /** Every converted tensor is bit-identical to the diffusers-layout tensor, with or without a prefix. */
    @Test
    void convertedTensorsAreExact(@TempDir Path tmp) {
        for (String prefix : new String[] {"", "model.", "diffusion_model.", "model.diffusion_model."}) {
            Path file = writeOriginal(tmp.resolve("orig" + prefix.length() + ".safetensors"), prefix);
            try (GoldenFixture fx = GoldenFixture.open(fixture()); TensorSource conv = TransformerCheckpoint.open(file);
                    NDManager m = NDManager.newBaseManager()) {
                assertEquals(new TreeSet<>(fx.weights().names()), new TreeSet<>(conv.names()), prefix);
                for (String n : fx.weights().names()) {
                    assertArrayEquals(fx.weights().load(n, m, DataType.FLOAT32).toFloatArray(),
                            conv.load(n, m, DataType.FLOAT32).toFloatArray(), prefix + n);
                    assertEquals(fx.weights().info(n).shape(), conv.info(n).shape(), n);
                }
            }
        }
    }

    /** The model on the original-layout file gives the diffusers-layout outputs (EAGER and LAZY), within 1e-6. */
    @Test
    void originalLayoutFileGivesDiffusersOutputs(@TempDir Path tmp) {
        Path file = writeOriginal(tmp.resolve("hunyuan_video_t2v.safetensors"), "model.diffusion_model.");
        for (LoadMode mode : new LoadMode[] {LoadMode.EAGER, LoadMode.LAZY}) {
            ComponentOptions options = new ComponentOptions(Device.cpu(), ComputeDtype.FLOAT32, mode);
            try (NDManager m = NDManager.newBaseManager();
                    HunyuanVideoTransformer3D model = HunyuanVideoTransformer3D.load(file, config(), options)) {
                float[] want = reference(m, options);
                float[] got = sample(model, m).toFloatArray();
                assertTrue(maxAbs(want, got) <= 1e-6, mode + " max abs diff " + maxAbs(want, got));
            }
        }
    }

    /**
     * FP8 files: diffusers names in F8_E4M3, and the original layout as ComfyUI's scaled FP8 (one scale per tensor,
     * qkv scales shared by the split parts), each give the outputs of float32 weights holding the same values.
     */
    @Test
    void fp8AndScaledFp8FilesGiveTheDequantizedOutputs(@TempDir Path tmp) {
        Path plain = tmp.resolve("fp8.safetensors");
        Path scaled = tmp.resolve("fp8_scaled.safetensors");
        Path dequantized = tmp.resolve("dequantized.safetensors");
        Path dequantizedScaled = tmp.resolve("dequantized_scaled.safetensors");
        float scale = 0.125f;
        try (GoldenFixture fx = GoldenFixture.open(fixture()); NDManager m = NDManager.newBaseManager()) {
            SafetensorsWriter p = new SafetensorsWriter();
            SafetensorsWriter d = new SafetensorsWriter();
            SafetensorsWriter d2 = new SafetensorsWriter();
            for (String n : fx.weights().names()) {
                float[] v = fx.weights().load(n, m, DataType.FLOAT32).toFloatArray();
                float[] q = new float[v.length];
                float[] q2 = new float[v.length];
                long[] shape = fx.weights().info(n).shape().getShape();
                boolean scaledHere = n.endsWith(".weight") && shape.length == 2;
                for (int i = 0; i < v.length; i++) {
                    q[i] = Float8.E4M3FN.toFloat(Float8.E4M3FN.encode(v[i]));
                    q2[i] = scaledHere ? Float8.E4M3FN.toFloat(Float8.E4M3FN.encode(v[i] / scale)) * scale : v[i];
                }
                p.add(n, v, DType.F8_E4M3, shape);
                d.add(n, q, DType.F32, shape);
                d2.add(n, q2, DType.F32, shape);
            }
            p.write(plain);
            d.write(dequantized);
            d2.write(dequantizedScaled);
            SafetensorsWriter s = new SafetensorsWriter().add("scaled_fp8", new float[0], DType.F8_E4M3, 0);
            for (Map.Entry<String, NDArray> e : OriginalLayoutFiles.invert(fx.weights(), m).entrySet()) {
                String n = e.getKey();
                NDArray a = e.getValue();
                if (n.endsWith(".weight") && a.getShape().dimension() == 2) {
                    s.add("model.diffusion_model." + n, a.div(scale), DType.F8_E4M3);
                    s.add("model.diffusion_model." + n.replace(".weight", ".scale_weight"), new float[] {scale},
                            DType.F32);
                } else {
                    s.add("model.diffusion_model." + n, a, DType.F32);
                }
            }
            s.write(scaled);
        }
        ComponentOptions options = ComponentOptions.defaults();
        try (NDManager m = NDManager.newBaseManager();
                HunyuanVideoTransformer3D ref = HunyuanVideoTransformer3D.load(dequantized, config(), options);
                HunyuanVideoTransformer3D refScaled = HunyuanVideoTransformer3D.load(dequantizedScaled, config(),
                        options);
                HunyuanVideoTransformer3D fp8 = HunyuanVideoTransformer3D.load(plain, config(), options);
                HunyuanVideoTransformer3D sc = HunyuanVideoTransformer3D.load(scaled, config(), options)) {
            float[] want = sample(ref, m).toFloatArray();
            assertTrue(maxAbs(want, sample(fp8, m).toFloatArray()) <= 1e-6, "fp8");
            float[] wantScaled = sample(refScaled, m).toFloatArray();
            assertTrue(maxAbs(wantScaled, sample(sc, m).toFloatArray()) <= 1e-6, "scaled fp8");
        }
    }

    /**
     * A scaled-FP8 original-layout file held in memory in its stored encoding ({@link
     * io.hunyuan4j.core.weights.StoredTensors}, as {@link TransformerCheckpoint#openInMemory} does): one byte per FP8 weight, independent of the (deleted) file; bound LAZY
     * under BLOCK offload the weights are widened one block at a time and released, and the outputs are those of the
     * file loaded EAGER.
     */
    @Test
    void fp8HeldInMemoryIsWidenedPerBlockAndGivesTheFilesOutputs(@TempDir Path tmp) throws IOException {
        Path scaled = tmp.resolve("fp8_scaled.safetensors");
        long fp8Elements = 0;
        try (GoldenFixture fx = GoldenFixture.open(fixture()); NDManager m = NDManager.newBaseManager()) {
            SafetensorsWriter s = new SafetensorsWriter().add("scaled_fp8", new float[0], DType.F8_E4M3, 0);
            for (Map.Entry<String, NDArray> e : OriginalLayoutFiles.invert(fx.weights(), m).entrySet()) {
                String n = "model.diffusion_model." + e.getKey();
                if (e.getKey().endsWith(".weight") && e.getValue().getShape().dimension() == 2) {
                    s.add(n, e.getValue().mul(8f), DType.F8_E4M3);
                    s.add(n.replace(".weight", ".scale_weight"), new float[] {0.125f}, DType.F32);
                    fp8Elements += e.getValue().size();
                } else {
                    s.add(n, e.getValue(), DType.BF16);
                }
            }
            s.write(scaled);
        }
        long fileTensorBytes;
        try (SafetensorsFile f = SafetensorsFile.open(scaled)) {
            fileTensorBytes = f.names().stream().mapToLong(n -> f.info(n).byteLength()).sum();
        }
        ComponentOptions eager = ComponentOptions.defaults();
        ComponentOptions lazy = new ComponentOptions(Device.cpu(), ComputeDtype.FLOAT32, LoadMode.LAZY);
        try (NDManager m = NDManager.newBaseManager()) {
            float[] want;
            try (HunyuanVideoTransformer3D fromFile = HunyuanVideoTransformer3D.load(scaled, config(), eager)) {
                want = sample(fromFile, m).toFloatArray();
            }
            try (TensorSource viaFactory = TransformerCheckpoint.openInMemory(scaled)) {
                assertEquals(config().innerDim(), viaFactory.info("proj_out.weight").shape().get(1));
            }
            io.hunyuan4j.core.weights.StoredTensors stored;
            try (TensorSource raw = io.hunyuan4j.core.weights.Checkpoints.open(scaled)) {
                stored = io.hunyuan4j.core.weights.StoredTensors.copyOf(raw);
            }
            java.nio.file.Files.delete(scaled); // the copy does not need the file
            try (TensorSource held = TransformerCheckpoint.toDiffusers(stored)) {
                assertEquals(fileTensorBytes, stored.heldBytes(), "the stored encoding, byte for byte");
                assertTrue(stored.heldBytes() < fp8Elements * 2, "FP8 weights at one byte each");
                var accountant = new io.hunyuan4j.core.offload.DeviceMemoryAccountant();
                try (HunyuanVideoTransformer3D model = HunyuanVideoTransformer3D.fromWeights(config(), held, lazy,
                        "fp8 in memory")) {
                    model.blockOffload(new io.hunyuan4j.core.offload.Offloader(Device.cpu(),
                            io.hunyuan4j.core.offload.Offload.BLOCK, ComputeDtype.FLOAT32, accountant));
                    float[] got = sample(model, m).toFloatArray();
                    assertTrue(maxAbs(want, got) <= 1e-6, "max abs diff " + maxAbs(want, got));
                    assertTrue(model.parameters().stream().noneMatch(p -> p.isLoaded()),
                            "every widened block was released after it ran");
                    long float32 = 4 * model.parameters().stream().mapToLong(p -> p.shape().size()).sum();
                    assertTrue(accountant.peakBytes() < float32, accountant.peakBytes() + " < " + float32);
                }
            }
        }
    }

    private static double maxAbs(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }
}
