package io.hunyuan4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hunyuan4j.core.offload.ImageToVideoMemory;
import io.hunyuan4j.core.offload.Manifest;
import io.hunyuan4j.core.offload.MemoryPlanner.MemoryPlan;
import io.hunyuan4j.core.offload.MemoryPlanner.PlanRequest;
import io.hunyuan4j.core.offload.Offload;
import io.hunyuan4j.core.ops.AttentionBackends;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.weights.StateDict;
import io.hunyuan4j.golden.GoldenCheck;
import io.hunyuan4j.text.LlavaConfig;
import io.hunyuan4j.text.LlavaTextEncoder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code plan-memory --image-to-video DIR}: the HunyuanVideo-I2V stages (LLaVA vision tower + projector, its Llama,
 * CLIP, the VAE encoder on the image, the I2V DiT, the VAE decoder) from the published manifests, and the 6 GiB
 * verdicts of both I2V checkpoints.
 */
class ImageToVideoPlanMemoryTest {

    private static final long GIB = 1L << 30;
    private static final Path MANIFESTS = GoldenCheck.fixturesDir().resolve("manifests");
    private static final Path I2V = Path.of(System.getProperty("hunyuan.root", ".."))
            .resolve("hunyuan-golden/src/test/resources/manifests");

    private static MemoryPlan plan(String variant, Offload offload, int h, int w, int f) {
        return ImageToVideoMemory.plan(MANIFESTS, I2V.resolve(variant),
                new PlanRequest(h, w, f, offload, ComputeDtype.BF16, 6 * GIB));
    }

    @Test
    void theLlavaManifestIsWhatTheSdkBinds() {
        Manifest llava = Manifest.read(I2V.resolve("HunyuanVideo-I2V"), "text_encoder");
        StateDict w = StateDict.shapeOnly(llava.tensors(), "manifest text_encoder");
        new LlavaTextEncoder(w, LlavaConfig.fromJson(llava.config()), AttentionBackends.defaultBackend());
        w.requireAllConsumed();
        // LLaVA-Llama-3-8B: ViT-L/14-336 (303 M), projector (21 M), Llama-3-8B with its 128320-token head
        assertEquals(8_355_272_704L, llava.parameters());
    }

    @Test
    void sixGibVerdictsOfBothCheckpoints() {
        for (String variant : List.of("HunyuanVideo-I2V", "HunyuanVideo-I2V-33ch")) {
            // block offload: 960x544, 97 frames fits; 1280x720, 129 frames does not
            MemoryPlan fits = plan(variant, Offload.BLOCK, 544, 960, 97);
            assertTrue(fits.fits(), fits.summaryLine());
            assertTrue(fits.peakStage().startsWith("denoise.transformer"), fits.peakStage());
            assertTrue(!plan(variant, Offload.BLOCK, 720, 1280, 129).fits());
            // model offload holds the whole 13B DiT (about 24 GiB in bf16): never within 6 GiB
            MemoryPlan model = plan(variant, Offload.MODEL, 320, 512, 61);
            assertTrue(!model.fits() && model.peakBytes() > 24 * GIB, model.summaryLine());
            assertTrue(!plan(variant, Offload.NONE, 320, 512, 61).fits());
        }
    }

    @Test
    void theStagesAreTheImageToVideoOnes() {
        MemoryPlan p = plan("HunyuanVideo-I2V-33ch", Offload.BLOCK, 544, 960, 97);
        List<String> stages = p.stages().stream().map(s -> s.stage()).toList();
        assertEquals(List.of("encode_prompt.vision_tower+projector", "encode_prompt.language_model (934 tokens)",
                "encode_prompt.text_encoder_2", "encode_image.vae_encoder (float32)",
                "denoise.transformer (latent_concat)", "decode.vae_decoder (float32)"), stages);
        // the vision tower with its projector, under model offload: 324 M parameters in bf16
        long vision = plan("HunyuanVideo-I2V", Offload.MODEL, 544, 960, 97).stages().get(0).weightBytes();
        assertEquals(2L * (303_507_456L + 4096L * 1024 + 4096 + 4096L * 4096 + 4096), vision);
    }

    @Test
    void cliPlansImageToVideo() {
        CliRun r = CliRun.of("plan-memory", "--manifests", MANIFESTS.toString(), "--image-to-video",
                I2V.resolve("HunyuanVideo-I2V").toString(), "--budget", "6GiB", "--offload", "block", "--height",
                "544", "--width", "960", "--frames", "97");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("encode_prompt.vision_tower+projector"), r.out());
        assertTrue(r.out().strip().endsWith("fits=true"), r.out());
    }

    @Test
    void aTextToVideoTransformerManifestIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageToVideoMemory.plan(
                MANIFESTS, MANIFESTS, new PlanRequest(320, 512, 61, Offload.BLOCK, ComputeDtype.BF16, 6 * GIB)));
        assertTrue(e.getMessage().contains("text_encoder.json") || e.getMessage().contains("image_condition_type"),
                e.getMessage());
    }
}
