package io.hunyuan4j.vae;

import io.hunyuan4j.core.nn.DiagonalGaussianDistribution;
import io.hunyuan4j.core.weights.DType;
import io.hunyuan4j.core.weights.SafetensorsWriter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.LatentDecoder;
import io.hunyuan4j.core.api.LatentDecoderFactory;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.weights.CheckpointMismatchException;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.golden.GoldenCheck;
import io.hunyuan4j.golden.GoldenFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading from diffusers folders, strictness, bad input, posterior sampling, tiled encode. */
class AutoencoderKLHunyuanVideoTest {

    private static GoldenFixture fx;
    private static NDManager manager;
    private static AutoencoderKLHunyuanVideo vae;

    @BeforeAll
    static void open() {
        fx = GoldenFixture.open(GoldenCheck.fixturesDir().resolve("vae"));
        manager = NDManager.newBaseManager();
        vae = AutoencoderKLHunyuanVideo.fromWeights(VaeConfig.fromJson(fx.config()), fx.weights(),
                ComponentOptions.defaults(), VaeTiling.defaults());
    }

    @AfterAll
    static void close() {
        vae.close();
        manager.close();
        fx.close();
    }

    private static double relErr(NDArray got, NDArray ref) {
        return GoldenCheck.maxRelErr(got, ref);
    }

    private static NDArray expected(String name) {
        return fx.outputs().load(name, manager, DataType.FLOAT32);
    }

    private static void writeFolder(Path dir) throws Exception {
        Files.copy(fx.dir().resolve("config.json"), dir.resolve("config.json"));
    }

    @Test
    void loadsADiffusersFolderThroughTheServiceLoader(@TempDir Path dir) throws Exception {
        writeFolder(dir);
        Files.copy(fx.dir().resolve("weights.safetensors"), dir.resolve("diffusion_pytorch_model.safetensors"));
        List<LatentDecoderFactory> factories = new ArrayList<>();
        ServiceLoader.load(LatentDecoderFactory.class).forEach(factories::add);
        assertEquals(1, factories.size());
        try (LatentDecoder decoder = factories.get(0).load(dir, ComponentOptions.defaults())) {
            assertEquals(0.476986f, decoder.scalingFactor(), 0f);
            assertEquals(4, decoder.latentChannels());
            assertEquals(4, decoder.temporalCompression());
            assertEquals(8, decoder.spatialCompression());
            NDArray video = decoder.decode(fx.input("latent", manager));
            assertTrue(relErr(video, expected("decode.sample")) <= 1e-4);
        }
    }

    @Test
    void loadsAShardedCheckpointLazily(@TempDir Path dir) throws Exception {
        writeFolder(dir);
        // two shards of about half the weights each, in diffusers' layout with its index
        long half = copy(fx.weights().names()).totalBytes() / 2 + 1;
        Path index = copy(fx.weights().names()).writeSharded(dir, "diffusion_pytorch_model", half);
        assertEquals(dir.resolve("diffusion_pytorch_model.safetensors.index.json"), index);
        try (var shards = Files.list(dir)) {
            assertTrue(shards.filter(p -> p.getFileName().toString().matches(
                    "diffusion_pytorch_model-\\d{5}-of-\\d{5}\\.safetensors")).count() >= 2, "at least two shards");
        }
        ComponentOptions lazy = new ComponentOptions(ai.djl.Device.cpu(), ComputeDtype.FLOAT32, LoadMode.LAZY);
        try (AutoencoderKLHunyuanVideo sharded = AutoencoderKLHunyuanVideo.load(dir, lazy)) {
            assertEquals(0, sharded.residentWeightArrays());
            NDArray video = sharded.decode(fx.input("latent", manager));
            assertTrue(relErr(video, expected("decode.sample")) <= 1e-4);
            assertTrue(sharded.residentWeightArrays() > 0);
        }
    }

    @Test
    void strictLoadingNamesMissingAndUnexpectedTensors(@TempDir Path dir) throws Exception {
        writeFolder(dir);
        List<String> names = new ArrayList<>(fx.weights().names());
        String dropped = "decoder.mid_block.attentions.0.to_q.bias";
        assertTrue(names.remove(dropped));
        copy(names).add("decoder.mid_block.attentions.0.to_q.extra", new float[3], DType.F32, 3)
                .write(dir.resolve("diffusion_pytorch_model.safetensors"));
        CheckpointMismatchException e = assertThrows(CheckpointMismatchException.class,
                () -> AutoencoderKLHunyuanVideo.load(dir, ComponentOptions.defaults()));
        assertTrue(e.getMessage().contains(dropped), e.getMessage());
        assertTrue(e.getMessage().contains("decoder.mid_block.attentions.0.to_q.extra"), e.getMessage());
    }

    /** A writer holding {@code names} of the fixture's weights as float32. */
    private SafetensorsWriter copy(java.util.Collection<String> names) {
        SafetensorsWriter w = new SafetensorsWriter();
        for (String name : names) {
            NDArray a = fx.weights().load(name, manager, ai.djl.ndarray.types.DataType.FLOAT32);
            w.add(name, a.toFloatArray(), DType.F32, a.getShape().getShape());
            a.close();
        }
        return w;
    }

    private static void assertRejected(Runnable call, String... fragments) {
        try (NDManager scope = manager.newSubManager()) {
            int before = manager.getManagedArrays().size();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
            for (String f : fragments) {
                assertTrue(e.getMessage().contains(f), "'" + f + "' not in: " + e.getMessage());
            }
            // rejected before any computation: not a single array was created
            assertEquals(before, manager.getManagedArrays().size());
        }
    }

    @Test
    void badVideosAreRejectedBeforeAnyComputation() {
        try (NDManager m = manager.newSubManager()) {
            NDArray channels = m.zeros(new Shape(1, 4, 9, 32, 32));
            NDArray frames = m.zeros(new Shape(1, 3, 8, 32, 32));
            NDArray height = m.zeros(new Shape(1, 3, 9, 30, 32));
            NDArray width = m.zeros(new Shape(1, 3, 9, 32, 36));
            NDArray rank = m.zeros(new Shape(3, 9, 32, 32));
            assertRejected(() -> vae.encode(channels), "video", "channel count 4", "in_channels 3");
            assertRejected(() -> vae.encode(frames), "video", "frame count 8", "4k+1");
            assertRejected(() -> vae.encode(height), "video", "height 30", "multiples of spatial_compression_ratio 8");
            assertRejected(() -> vae.encode(width), "video", "width 36", "multiples of spatial_compression_ratio 8");
            assertRejected(() -> vae.encode(rank), "video", "rank 4", "must be 5");
            assertRejected(() -> vae.forward(frames, VaeTiling.defaults()), "frame count 8");
        }
    }

    @Test
    void badLatentsAreRejectedBeforeAnyComputation() {
        try (NDManager m = manager.newSubManager()) {
            NDArray channels = m.zeros(new Shape(1, 16, 3, 4, 4));
            NDArray rank = m.zeros(new Shape(4, 3, 4, 4));
            assertRejected(() -> vae.decode(channels), "latents", "channel count 16", "latent_channels 4");
            assertRejected(() -> vae.decode(rank), "latents", "rank 4", "must be 5");
        }
    }

    @Test
    void badTilingIsRejected() {
        IllegalArgumentException overlap = assertThrows(IllegalArgumentException.class,
                () -> VaeTiling.defaults().withStride(0, 192, 12));
        assertTrue(overlap.getMessage().contains("tile_sample_stride_height = 0")
                && overlap.getMessage().contains("overlap") && overlap.getMessage().contains("smaller than the tile"),
                overlap.getMessage());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> VaeTiling.defaults().withStride(192, 300, 12));
        assertTrue(negative.getMessage().contains("tile_sample_stride_width = 300"), negative.getMessage());
        IllegalArgumentException frames = assertThrows(IllegalArgumentException.class,
                () -> VaeTiling.defaults().withStride(192, 192, -4));
        assertTrue(frames.getMessage().contains("tile_sample_stride_num_frames = -4"), frames.getMessage());
        IllegalArgumentException tile = assertThrows(IllegalArgumentException.class,
                () -> VaeTiling.defaults().withTileSize(0, 256, 16));
        assertTrue(tile.getMessage().contains("tile_sample_min_height = 0"), tile.getMessage());
        // valid as a record, but smaller than one latent pixel for this VAE
        VaeTiling tooSmall = VaeTiling.enableTiling()
                .withTiles(new VaeTiling.Extent(4, 4, 16), new VaeTiling.Extent(4, 4, 12));
        try (NDManager m = manager.newSubManager()) {
            NDArray z = m.zeros(new Shape(1, 4, 2, 4, 4));
            assertRejected(() -> vae.decode(z, tooSmall), "tile_sample_min_height = 4", "compression ratio 8");
        }
    }

    @Test
    void posteriorSamplingIsSeededAndHostSide() {
        try (NDManager m = manager.newSubManager()) {
            DiagonalGaussianDistribution p = vae.encode(fx.input("video", manager).duplicate());
            NDArray a = p.sample(new SplittableRandom(7));
            NDArray b = p.sample(new SplittableRandom(7));
            NDArray c = p.sample(new SplittableRandom(8));
            assertEquals(0.0, a.sub(b).abs().max().getFloat(), 0.0);
            assertTrue(a.sub(c).abs().max().getFloat() > 0);
            // (sample - mean) / std is the generator's standard normal stream
            NDArray eps = a.sub(p.mean()).div(p.std());
            SplittableRandom r = new SplittableRandom(7);
            float[] got = eps.toFloatArray();
            for (int i = 0; i < 8; i++) {
                assertEquals((float) r.nextGaussian(), got[i], 1e-3f);
            }
            assertTrue(p.logvar().max().getFloat() <= DiagonalGaussianDistribution.LOGVAR_MAX);
            assertTrue(p.logvar().min().getFloat() >= DiagonalGaussianDistribution.LOGVAR_MIN);
            m.attachAll(a, b, c, eps);
        }
    }
}
