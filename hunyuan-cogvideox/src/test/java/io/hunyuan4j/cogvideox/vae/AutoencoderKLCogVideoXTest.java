package io.hunyuan4j.cogvideox.vae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.LatentDecoder;
import io.hunyuan4j.core.api.Offloadable;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.offload.DeviceMemoryAccountant;
import io.hunyuan4j.core.offload.Offload;
import io.hunyuan4j.core.offload.Offloader;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.weights.Checkpoints;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.Parameter;
import io.hunyuan4j.core.weights.TensorSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The VAE on the public golden fixture (../shared/golden-cogvideox/cogvideox_vae): loaded from a diffusers
 * {@code vae/} folder through {@link AutoencoderKLCogVideoXFactory}, decoded with block offload bit-identically
 * to resident weights within shared + largest stage, and bad inputs rejected before any computation.
 */
class AutoencoderKLCogVideoXTest {

    private static final Path FIXTURE = Path.of(System.getProperty("hunyuan.golden.cogvideox"), "cogvideox_vae");

    private static NDManager manager;
    private static TensorSource inputs;
    private static TensorSource outputs;
    private static CogVideoXVaeConfig config;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
        inputs = Checkpoints.open(FIXTURE.resolve("inputs.safetensors"));
        outputs = Checkpoints.open(FIXTURE.resolve("outputs.safetensors"));
        config = CogVideoXVaeConfig.fromJson(JsonConfig.read(FIXTURE.resolve("config.json")).object("vae"));
    }

    @AfterAll
    static void close() {
        inputs.close();
        outputs.close();
        manager.close();
    }

    private static double maxRelErr(NDArray got, NDArray ref) {
        return got.sub(ref).abs().max().getFloat() / ref.abs().max().getFloat();
    }

    @Test
    void theFactoryLoadsADiffusersFolderThatDecodesTheGoldenLatent(@TempDir Path dir) throws Exception {
        String vaeJson = JsonConfig.read(FIXTURE.resolve("config.json")).object("vae").json().toString();
        Files.writeString(dir.resolve("config.json"), vaeJson);
        Files.copy(FIXTURE.resolve("weights.safetensors"), dir.resolve("diffusion_pytorch_model.safetensors"));
        try (LatentDecoder vae = new AutoencoderKLCogVideoXFactory().load(dir, ComponentOptions.defaults())) {
            assertEquals(1.15258426f, vae.scalingFactor());
            assertEquals(4, vae.latentChannels());
            assertEquals(4, vae.temporalCompression());
            assertEquals(8, vae.spatialCompression());
            NDArray video = vae.decode(inputs.load("latent", manager, DataType.FLOAT32));
            double err = maxRelErr(video, outputs.load("decode.sample", manager, DataType.FLOAT32));
            assertTrue(err <= 1e-4, "decode.sample max_rel_err " + err);
        }
    }

    @Test
    void blockOffloadDecodesBitIdenticallyWithinSharedPlusLargestStage() {
        ComponentOptions lazy = new ComponentOptions(Device.cpu(), ComputeDtype.FLOAT32, LoadMode.LAZY);
        NDArray latent = inputs.load("latent", manager, DataType.FLOAT32);
        float[] resident;
        try (TensorSource w = Checkpoints.open(FIXTURE.resolve("weights.safetensors"));
                AutoencoderKLCogVideoX vae = AutoencoderKLCogVideoX.fromWeights(config, w, lazy,
                        CogVideoXTiling.defaults(config))) {
            resident = vae.decode(latent).toFloatArray();
        }
        try (TensorSource w = Checkpoints.open(FIXTURE.resolve("weights.safetensors"));
                AutoencoderKLCogVideoX vae = AutoencoderKLCogVideoX.fromWeights(config, w, lazy,
                        CogVideoXTiling.defaults(config))) {
            Offloader sizes = new Offloader(Device.cpu(), Offload.BLOCK, ComputeDtype.FLOAT32,
                    new DeviceMemoryAccountant());
            Map<String, List<Parameter>> groups = vae.parameterGroups();
            long largest = vae.stageGroups().stream().filter(g -> !g.equals(Offloadable.SHARED))
                    .mapToLong(g -> sizes.bytesOf(groups.get(g))).max().orElseThrow();
            long budget = sizes.bytesOf(groups.get(Offloadable.SHARED)) + largest;
            DeviceMemoryAccountant acc = new DeviceMemoryAccountant(budget);
            vae.blockOffload(new Offloader(Device.cpu(), Offload.BLOCK, ComputeDtype.FLOAT32, acc));
            int callArrays = manager.getManagedArrays().size();
            NDArray out = vae.decode(latent);
            assertArrayEquals(resident, out.toFloatArray());
            out.close();
            assertEquals(0, acc.currentBytes(), "every group offloaded");
            assertEquals(budget, acc.peakBytes(), "one stage at a time on top of the shared weights");
            assertEquals(callArrays, manager.getManagedArrays().size(), "no activation or cache left behind");
            assertTrue(vae.allParameters().stream().noneMatch(Parameter::isLoaded), "nothing left resident");
        }
    }

    @Test
    void badInputsAreRejectedBeforeAnyComputation() {
        try (TensorSource w = Checkpoints.open(FIXTURE.resolve("weights.safetensors"));
                AutoencoderKLCogVideoX vae = AutoencoderKLCogVideoX.fromWeights(config, w,
                        new ComponentOptions(Device.cpu(), ComputeDtype.FLOAT32, LoadMode.SHAPE_ONLY),
                        CogVideoXTiling.defaults(config))) {
            assertMessage(() -> vae.decode(manager.zeros(new Shape(1, 4, 2, 3))), "rank 4");
            assertMessage(() -> vae.decode(manager.zeros(new Shape(1, 16, 2, 3, 4))), "latent_channels 4");
            assertMessage(() -> vae.encode(manager.zeros(new Shape(1, 3, 5, 20, 32))), "spatial compression 8");
            assertMessage(() -> vae.encode(manager.zeros(new Shape(1, 4, 5, 24, 32))), "in_channels 3");
            CogVideoXTiling noStride = CogVideoXTiling.enableTiling(config, 8, 8, 0.9, 0.9);
            assertMessage(() -> vae.decode(manager.zeros(new Shape(1, 4, 2, 3, 4)), noStride), "tile stride of 0");
            CogVideoXTiling thinEdge = CogVideoXTiling.enableTiling(config, 16, 16, 0.25, 0.25);
            assertMessage(() -> vae.encode(manager.zeros(new Shape(1, 3, 1, 16, 40)), thinEdge),
                    "leaves a tile of 4");
        }
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
