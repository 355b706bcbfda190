package io.hunyuan4j.vae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.hunyuan4j.golden.GoldenCheck;
import io.hunyuan4j.golden.GoldenFixture;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.weights.Checkpoints;
import io.hunyuan4j.core.weights.DType;
import io.hunyuan4j.core.weights.SafetensorsWriter;
import io.hunyuan4j.core.weights.TensorSource;
import java.nio.file.Path;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tencent's original VAE layout: diffusers' names, in a file that may put them under {@code vae.} beside other
 * keys (Tencent's {@code load_vae} keeps only the {@code vae.} keys and removes the prefix).
 */
class VaeCheckpointTest {

    private static Path fixture() {
        return GoldenCheck.fixturesDir().resolve("vae");
    }

    @Test
    void tencentPrefixedFileDecodesLikeTheDiffusersWeights(@TempDir Path tmp) {
        Path file = tmp.resolve("pytorch_model.safetensors");
        try (GoldenFixture fx = GoldenFixture.open(fixture()); NDManager m = NDManager.newBaseManager()) {
            SafetensorsWriter w = new SafetensorsWriter();
            for (String n : fx.weights().names()) {
                w.add(VaeCheckpoint.TENCENT_PREFIX + n, fx.weights().load(n, m, DataType.FLOAT32), DType.F32);
            }
            // what a training checkpoint holds beside the VAE: dropped, as Tencent's loader drops it
            w.add("loss.discriminator.conv.weight", new float[4], DType.F32, 2, 2);
            w.write(file);
            VaeConfig config = VaeConfig.fromJson(fx.config());
            try (TensorSource named = VaeCheckpoint.open(file)) {
                assertEquals(new TreeSet<>(fx.weights().names()), new TreeSet<>(named.names()));
            }
            float[] want;
            try (AutoencoderKLHunyuanVideo ref = AutoencoderKLHunyuanVideo.fromWeights(config, fx.weights(),
                    ComponentOptions.defaults(), VaeTiling.defaults())) {
                want = ref.decode(fx.input("latent", m)).toFloatArray();
            }
            try (AutoencoderKLHunyuanVideo vae = AutoencoderKLHunyuanVideo.load(file, config,
                    ComponentOptions.defaults(), VaeTiling.defaults())) {
                assertArrayEquals(want, vae.decode(fx.input("latent", m)).toFloatArray());
            }
        }
    }

    @Test
    void diffusersNamesPassUnchanged() {
        try (TensorSource raw = Checkpoints.open(fixture().resolve("weights.safetensors"))) {
            assertSame(raw, VaeCheckpoint.toDiffusers(raw));
        }
    }
}
