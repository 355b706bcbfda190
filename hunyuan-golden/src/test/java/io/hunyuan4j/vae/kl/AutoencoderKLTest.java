package io.hunyuan4j.vae.kl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.LatentDecoder;
import io.hunyuan4j.core.config.ConfigException;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.weights.CheckpointMismatchException;
import io.hunyuan4j.core.weights.DType;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.SafetensorsWriter;
import io.hunyuan4j.golden.GoldenCheck;
import io.hunyuan4j.golden.GoldenFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading a diffusers {@code vae/} folder through {@link AutoencoderKLFactory}, strictness, images versus one-frame
 * videos, bad input, config bounds and the tiling arithmetic, on the public {@code hunyuandit_vae} fixture.
 */
class AutoencoderKLTest {

    private static GoldenFixture fx;
    private static NDManager manager;
    private static AutoencoderKLConfig config;
    private static AutoencoderKL vae;

    @BeforeAll
    static void open() {
        fx = GoldenFixture.open(Path.of(System.getProperty("hunyuan.golden.hunyuandit"), "hunyuandit_vae"));
        manager = NDManager.newBaseManager();
        config = AutoencoderKLConfig.fromJson(fx.config());
        vae = AutoencoderKL.fromWeights(config, fx.weights(), ComponentOptions.defaults(),
                AutoencoderKLTiling.defaults(config));
    }

    @AfterAll
    static void close() {
        vae.close();
        manager.close();
        fx.close();
    }

    private static NDArray expected(String name) {
        return fx.outputs().load(name, manager, DataType.FLOAT32);
    }

    @Test
    void loadsADiffusersFolderAndDecodesImagesAndOneFrameVideos(@TempDir Path dir) throws Exception {
        Files.copy(fx.dir().resolve("config.json"), dir.resolve("config.json"));
        Files.copy(fx.dir().resolve("weights.safetensors"), dir.resolve("diffusion_pytorch_model.safetensors"));
        ComponentOptions lazy = new ComponentOptions(ai.djl.Device.cpu(), ComputeDtype.FLOAT32, LoadMode.LAZY);
        try (NDManager m = manager.newSubManager();
                LatentDecoder decoder = new AutoencoderKLFactory().load(dir, lazy)) {
            assertEquals(0.13025f, decoder.scalingFactor(), 0f);
            assertEquals(4, decoder.latentChannels());
            assertEquals(1, decoder.temporalCompression());
            assertEquals(8, decoder.spatialCompression());
            NDArray latent = fx.input("latent", m);                        // [2, 4, 3, 5]
            NDArray ref = expected("decode.sample");                       // [2, 3, 24, 40]
            NDArray image = decoder.decode(latent);
            assertEquals(ref.getShape(), image.getShape());
            assertTrue(GoldenCheck.maxRelErr(image, ref) <= 1e-4);
            // the pipeline's image is a one-frame video: [2, 4, 1, 3, 5] -> [2, 3, 1, 24, 40]
            NDArray video = decoder.decode(latent.expandDims(2));
            assertEquals(new Shape(2, 3, 1, 24, 40), video.getShape());
            assertTrue(GoldenCheck.maxRelErr(video.squeeze(2), ref) <= 1e-4);
            // frames are decoded independently: [1, 4, 2, 3, 5] holds the two items as frames
            NDArray frames = decoder.decode(latent.transpose(1, 0, 2, 3).expandDims(0));
            assertEquals(new Shape(1, 3, 2, 24, 40), frames.getShape());
            assertTrue(GoldenCheck.maxRelErr(frames.squeeze(0).transpose(1, 0, 2, 3), ref) <= 1e-4);
        }
    }

    @Test
    void strictLoadingNamesMissingAndUnexpectedTensors(@TempDir Path dir) throws Exception {
        Files.copy(fx.dir().resolve("config.json"), dir.resolve("config.json"));
        SafetensorsWriter w = new SafetensorsWriter();
        List<String> names = new ArrayList<>(fx.weights().names());
        String dropped = "decoder.mid_block.attentions.0.to_q.bias";
        assertTrue(names.remove(dropped));
        for (String name : names) {
            NDArray a = fx.weights().load(name, manager, DataType.FLOAT32);
            w.add(name, a.toFloatArray(), DType.F32, a.getShape().getShape());
            a.close();
        }
        w.add("decoder.mid_block.attentions.0.query.weight", new float[16 * 16], DType.F32, 16, 16)
                .write(dir.resolve("diffusion_pytorch_model.safetensors"));
        CheckpointMismatchException e = assertThrows(CheckpointMismatchException.class,
                () -> AutoencoderKL.load(dir, ComponentOptions.defaults()));
        assertTrue(e.getMessage().contains(dropped), e.getMessage());
        assertTrue(e.getMessage().contains("decoder.mid_block.attentions.0.query.weight"), e.getMessage());
    }

    private static void assertRejected(Runnable call, String... fragments) {
        int before = manager.getManagedArrays().size();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + f + "' not in: " + e.getMessage());
        }
        // rejected before any computation: not a single array was created
        assertEquals(before, manager.getManagedArrays().size());
    }

    @Test
    void badInputIsRejectedBeforeAnyComputation() {
        try (NDManager m = manager.newSubManager()) {
            NDArray rank = m.zeros(new Shape(3, 24, 40));
            NDArray channels = m.zeros(new Shape(1, 4, 24, 40));
            NDArray small = m.zeros(new Shape(1, 3, 24, 7));
            // tiled: 32 px tiles every 24 px leave a 2 px edge tile of a 50 px wide image
            NDArray edge = m.zeros(new Shape(1, 3, 24, 50));
            NDArray latentRank = m.zeros(new Shape(4, 3, 5));
            NDArray latentChannels = m.zeros(new Shape(1, 8, 3, 5));
            NDArray empty = m.zeros(new Shape(1, 4, 0, 3, 5));
            assertRejected(() -> vae.encode(rank), "image", "rank 3", "must be 4");
            assertRejected(() -> vae.encode(channels), "image", "channel count 4", "in_channels 3");
            assertRejected(() -> vae.encode(small), "image", "at least 8 px");
            assertRejected(() -> vae.encode(edge, AutoencoderKLTiling.enableTiling(config)), "edge tile of 2 px",
                    "at least 8 px");
            assertRejected(() -> vae.decode(latentRank), "latents", "rank 3", "must be 4");
            assertRejected(() -> vae.decode(latentChannels), "latents", "channel count 8", "latent_channels 4");
            assertRejected(() -> vae.decode(empty), "latents", "every axis >= 1");
        }
    }

    @Test
    void configBoundsNameTheKey() {
        String[] bad = {
            "{\"down_block_types\": [\"DownBlock2D\"], \"up_block_types\": [\"UpDecoderBlock2D\"]}",
            "{\"block_out_channels\": [64, 80], \"norm_num_groups\": 32}",
            "{\"block_out_channels\": [64, 64], \"down_block_types\": [\"DownEncoderBlock2D\"]}",
            "{\"latent_channels\": 4, \"latents_mean\": [0.1, 0.2]}",
            "{\"sample_size\": 0}",
            "{\"act_fn\": \"gelu\"}",
            "{\"layers_per_block\": 100000}",
            "{\"scaling_factor\": -1}",
        };
        String[] key = {"down_block_types", "block_out_channels", "down_block_types", "latents_mean", "sample_size",
            "act_fn", "layers_per_block", "scaling_factor"};
        for (int i = 0; i < bad.length; i++) {
            String json = bad[i];
            ConfigException e = assertThrows(ConfigException.class,
                    () -> AutoencoderKLConfig.fromJson(JsonConfig.parse("config.json", json)), json);
            assertTrue(e.getMessage().contains(key[i]) && e.getMessage().contains("config.json"), e.getMessage());
        }
        AutoencoderKLConfig defaults = AutoencoderKLConfig.fromJson(JsonConfig.parse("config.json",
                "{\"shift_factor\": null, \"latents_mean\": null}"));
        assertEquals(List.of(64), defaults.blockOutChannels());
        assertEquals(0.18215f, defaults.scalingFactor(), 0f);
        assertEquals(null, defaults.shiftFactor());
        assertEquals(1, defaults.spatialCompressionRatio());
    }

    @Test
    void tilingArithmeticIsTheReferences() {
        // the fixture's enable_tiling(): sample_size 32 -> 32 px and int(32 / 8) = 4 latent tiles
        AutoencoderKLTiling t = AutoencoderKLTiling.enableTiling(config);
        assertEquals(new AutoencoderKLTiling(true, 32, 4, 0.25), t);
        assertEquals(3, t.decodeStride());
        assertEquals(8, t.decodeBlendExtent());
        assertEquals(24, t.decodeRowLimit());
        assertEquals(24, t.encodeStride());
        assertEquals(1, t.encodeBlendExtent());
        assertEquals(3, t.encodeRowLimit());
        assertEquals(t.withTiling(false), AutoencoderKLTiling.defaults(config));
        // int(x * (1 - f)) with Python's double arithmetic: 90 * (1 - 0.3) = 62.99999999999999 -> 62
        assertEquals(62, t.withTileSizes(90, 5).withOverlapFactor(0.3).encodeStride());
        assertThrows(IllegalArgumentException.class, () -> t.withOverlapFactor(1.0));
        assertThrows(IllegalArgumentException.class, () -> t.withTileSizes(32, 1));   // int(1 * 0.75) = 0
        assertThrows(IllegalArgumentException.class, () -> t.withTileSizes(0, 4));
    }

    @Test
    void tiledCallsLeaveNoArraysBehind() {
        try (NDManager m = manager.newSubManager()) {
            NDArray big = fx.input("big_latent", m);
            NDArray image = fx.input("big_image", m);
            // 2 x 2 tiles each way (the golden test checks the fixture's 3 x 4 tilings' values)
            AutoencoderKLTiling tiled = new AutoencoderKLTiling(true, 64, 8, 0.25);
            int weights = vae.residentWeightArrays();
            int baseline = m.getManagedArrays().size();
            for (int round = 0; round < 2; round++) {
                NDArray d = vae.decode(big, tiled);
                assertEquals(baseline + 1, m.getManagedArrays().size(), "decode left more than its result");
                d.close();
                try (NDManager scope = m.newSubManager()) {
                    // the posterior's arrays (moments, mean, logvar, std, var) live with the image
                    scope.tempAttachAll(image);
                    assertTrue(Float.isFinite(vae.encode(image, tiled).mean().abs().max().getFloat()));
                }
                assertEquals(baseline, m.getManagedArrays().size(), "round " + round);
                assertEquals(weights, vae.residentWeightArrays(), "weight manager grew");
            }
        }
    }
}
