package io.hunyuan4j.core.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.DenoiserInput;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.Checkpoints;
import io.hunyuan4j.core.weights.DType;
import io.hunyuan4j.core.weights.HalfFloats;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.Parameter;
import io.hunyuan4j.core.weights.SafetensorsWriter;
import io.hunyuan4j.core.weights.TensorLoader;
import io.hunyuan4j.core.weights.TensorSource;
import io.hunyuan4j.golden.ComponentResult;
import io.hunyuan4j.golden.GoldenCheck;
import io.hunyuan4j.golden.GoldenOptions;
import io.hunyuan4j.golden.TransformerGolden;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DiT's bf16 path: golden parity at the bf16 tolerance, and a bf16 checkpoint loaded through load(). */
class HunyuanVideoTransformer3DBf16Test {

    @Test
    void goldenParityInBf16AndFloat32() {
        GoldenCheck check = new GoldenCheck(List.of(new TransformerGolden()));
        Path fixture = GoldenCheck.fixturesDir().resolve("transformer");
        ComponentResult bf16 = check.check(fixture, new GoldenOptions(ComputeDtype.BF16));
        assertEquals(ComponentResult.Status.PASS, bf16.status(), bf16.line());
        assertTrue(bf16.maxRelErr() <= GoldenOptions.BF16_TOLERANCE, bf16.line());
        // bf16 really ran: float32 agrees to 1e-4, bf16 does not
        assertTrue(bf16.maxRelErr() > 1e-4, "bf16 should differ from float32: " + bf16.line());
        ComponentResult fp32 = check.check(fixture, GoldenOptions.float32());
        assertEquals(ComponentResult.Status.PASS, fp32.status(), fp32.line());
        assertTrue(fp32.maxRelErr() <= 1e-4, fp32.line());
    }

    /**
     * The same weights (bf16-representable values) as an F32 and a BF16 checkpoint: the BF16 load keeps them as
     * bf16 bit for bit, and its float32 output agrees with the float32 load's within the bf16 tolerance.
     */
    @Test
    void bf16CheckpointLoadsAsBf16AndMatchesFloat32(@TempDir Path tmp) throws IOException {
        TransformerConfig c = TransformerConfig.tiny();
        Map<String, Shape> shapes = HunyuanVideoTransformer3D.expectedShapes(c);
        SafetensorsWriter f32 = new SafetensorsWriter().metadata("format", "pt");
        SafetensorsWriter bf16 = new SafetensorsWriter().metadata("format", "pt");
        Random rnd = new Random(11);
        for (Map.Entry<String, Shape> e : shapes.entrySet()) {
            float[] v = values(e.getKey(), e.getValue(), rnd);
            f32.add(e.getKey(), v, DType.F32, e.getValue().getShape());
            bf16.add(e.getKey(), v, DType.BF16, e.getValue().getShape());
        }
        Path d32 = folder(tmp.resolve("f32"), c, f32);
        Path d16 = folder(tmp.resolve("bf16"), c, bf16);

        try (NDManager m = NDManager.newBaseManager();
                HunyuanVideoTransformer3D ref = HunyuanVideoTransformer3D.load(d32, ComponentOptions.defaults());
                HunyuanVideoTransformer3D low = HunyuanVideoTransformer3D.load(d16,
                        new ComponentOptions(Device.cpu(), ComputeDtype.BF16, LoadMode.EAGER))) {
            assertEquals(ComputeDtype.BF16, low.computeDtype());
            TensorLoader loader = ComputeDtype.BF16.loader();
            try (TensorSource source = Checkpoints.open(d16); NDManager scratch = m.newSubManager()) {
                for (int i = 0; i < ref.parameters().size(); i++) {
                    Parameter p = low.parameters().get(i);
                    assertTrue(F.isBf16(p.array()), p.name() + " is held as bf16");
                    // the model's weight manager is capped: widen a second load of the same tensor instead
                    NDArray widened = F.toFloat32(loader.load(source, p.name(), scratch));
                    assertEquals(0f, widened.sub(ref.parameters().get(i).array()).abs().max().getFloat(),
                            p.name() + " is the checkpoint's bf16 value exactly");
                }
            }
            DenoiserInput in = TinyInputs.of(m, c, 2, 8, 12, 9);
            NDArray expected = ref.forward(in);
            NDArray got = low.forward(in);
            assertEquals(DataType.FLOAT32, got.getDataType(), "float32 at the boundary");
            assertEquals(expected.getShape(), got.getShape());
            assertFalse(F.hasNaN(got));
            double err = GoldenCheck.maxRelErr(got, expected);
            assertTrue(err <= GoldenOptions.BF16_TOLERANCE && err > 0, "tiny DiT bf16 vs float32 max_rel_err " + err
                    + " outside (0, " + GoldenOptions.BF16_TOLERANCE + "]");
        }
    }

    private static Path folder(Path dir, TransformerConfig c, SafetensorsWriter w) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), TestCheckpoints.configJson(c));
        w.write(dir.resolve("diffusion_pytorch_model.safetensors"));
        return dir;
    }

    /** Drawn like the fixtures' weights, then rounded to bf16 so both checkpoints hold the same values. */
    private static float[] values(String name, Shape s, Random rnd) {
        boolean norm = name.contains("norm") && name.endsWith(".weight") && s.dimension() == 1;
        double scale = s.dimension() == 1 ? 0.05 : Math.min(0.2, Math.max(0.02, 1.0 / Math.sqrt(s.size() / s.get(0))));
        float[] v = new float[Math.toIntExact(s.size())];
        for (int i = 0; i < v.length; i++) {
            float x = (float) ((norm ? 1.0 : 0.0) + scale * rnd.nextGaussian());
            v[i] = HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(x));
        }
        return v;
    }
}
