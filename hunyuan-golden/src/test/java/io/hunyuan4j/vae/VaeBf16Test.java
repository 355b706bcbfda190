package io.hunyuan4j.vae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.DType;
import io.hunyuan4j.core.weights.HalfFloats;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.SafetensorsWriter;
import io.hunyuan4j.golden.ComponentResult;
import io.hunyuan4j.golden.GoldenCheck;
import io.hunyuan4j.golden.GoldenFixture;
import io.hunyuan4j.golden.GoldenOptions;
import io.hunyuan4j.golden.VaeGolden;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The VAE in a bf16 pipeline: it decodes in float32 (bf16 decoder weights miss the bf16 bound on held-out
 * fixtures; AutoencoderKLHunyuanVideo.create), so its golden results under BF16 are float32's, and a bf16
 * checkpoint loads widened to float32.
 */
class VaeBf16Test {

    private static Path fixture() {
        return GoldenCheck.fixturesDir().resolve("vae");
    }

    @Test
    void goldenParityInBf16AndFloat32() {
        GoldenCheck check = new GoldenCheck(List.of(new VaeGolden()));
        ComponentResult bf16 = check.check(fixture(), new GoldenOptions(ComputeDtype.BF16));
        assertEquals(ComponentResult.Status.PASS, bf16.status(), bf16.line());
        ComponentResult fp32 = check.check(fixture(), GoldenOptions.float32());
        assertEquals(ComponentResult.Status.PASS, fp32.status(), fp32.line());
        assertTrue(fp32.maxRelErr() <= 1e-4, fp32.line());
        assertEquals(fp32.maxRelErr(), bf16.maxRelErr(), "the VAE computes in float32 under BF16: " + bf16.line());
    }

    /**
     * The fixture's weights rounded to bf16, written as an F32 and a BF16 checkpoint: the BF16 checkpoint, loaded
     * under BF16 compute, is widened to float32 and decodes and encodes exactly as the F32 one.
     */
    @Test
    void bf16CheckpointMatchesFloat32Load(@TempDir Path tmp) throws IOException {
        try (GoldenFixture fx = GoldenFixture.open(fixture()); NDManager m = NDManager.newBaseManager()) {
            SafetensorsWriter f32 = new SafetensorsWriter().metadata("format", "pt");
            SafetensorsWriter bf16 = new SafetensorsWriter().metadata("format", "pt");
            for (String name : fx.weights().names()) {
                NDArray a = fx.weights().load(name, m, DataType.FLOAT32);
                float[] v = a.toFloatArray();
                for (int i = 0; i < v.length; i++) {
                    v[i] = HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(v[i]));
                }
                f32.add(name, v, DType.F32, a.getShape().getShape());
                bf16.add(name, v, DType.BF16, a.getShape().getShape());
                a.close();
            }
            Path d32 = folder(tmp.resolve("f32"), f32);
            Path d16 = folder(tmp.resolve("bf16"), bf16);
            assertTrue(Files.size(d16.resolve("diffusion_pytorch_model.safetensors"))
                    < 0.6 * Files.size(d32.resolve("diffusion_pytorch_model.safetensors")));

            NDArray latent = fx.input("latent", m);
            NDArray video = fx.input("video", m);
            try (AutoencoderKLHunyuanVideo ref = AutoencoderKLHunyuanVideo.load(d32, ComponentOptions.defaults());
                    AutoencoderKLHunyuanVideo low = AutoencoderKLHunyuanVideo.load(d16,
                            new ComponentOptions(Device.cpu(), ComputeDtype.BF16, LoadMode.EAGER))) {
                assertEquals(ComputeDtype.BF16, low.computeDtype(), "loaded for a bf16 pipeline");
                NDArray expected = ref.decode(latent);
                NDArray got = low.decode(latent);
                assertEquals(DataType.FLOAT32, got.getDataType(), "float32 at the boundary");
                assertEquals(expected.getShape(), got.getShape());
                assertFalse(F.hasNaN(got));
                double decodeErr = GoldenCheck.maxRelErr(got, expected);
                NDArray meanRef = ref.encode(video).mean();
                NDArray meanLow = low.encode(video).mean();
                assertEquals(DataType.FLOAT32, meanLow.getDataType());
                double encodeErr = GoldenCheck.maxRelErr(meanLow, meanRef);
                assertEquals(0.0, decodeErr, "the decoder is float32 under BF16");
                assertEquals(0.0, encodeErr, "the encoder is float32 under BF16");
            }
        }
    }

    private static Path folder(Path dir, SafetensorsWriter w) throws IOException {
        Files.createDirectories(dir);
        Files.copy(fixture().resolve("config.json"), dir.resolve("config.json"));
        w.write(dir.resolve("diffusion_pytorch_model.safetensors"));
        return dir;
    }
}
