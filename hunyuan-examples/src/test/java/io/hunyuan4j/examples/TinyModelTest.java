package io.hunyuan4j.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.offload.Offload;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.pipeline.GenerationRequest;
import io.hunyuan4j.core.pipeline.Video;
import io.hunyuan4j.core.pipeline.VideoPipeline;
import io.hunyuan4j.core.weights.DType;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.SafetensorsFile;
import io.hunyuan4j.testing.TinyModel;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.jcodec.common.Codec;
import org.jcodec.common.DemuxerTrack;
import org.jcodec.common.DemuxerTrackMeta;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.io.SeekableByteChannel;
import org.jcodec.containers.mp4.demuxer.MP4Demuxer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded tiny model through the CLI and the Java API, and the same model as a diffusers-layout folder. */
class TinyModelTest {

    private static CliRun cli(String... args) {
        String[] a = new String[args.length + 1];
        a[0] = "generate";
        System.arraycopy(args, 0, a, 1, args.length);
        return CliRun.of(a);
    }

    @Test
    void generateWithoutModelWritesAnH264Mp4WithTheRequestedFramesAndSize(@TempDir Path dir) throws IOException {
        Path mp4 = dir.resolve("cat.mp4");
        CliRun r = cli("--prompt", "a cat", "--height", "48", "--width", "80", "--frames", "5", "--steps", "2",
                "--seed", "7", "--out", mp4.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("RANDOM weights, so the output is noise-like"), r.out());
        assertTrue(r.out().contains("--model DIR"), r.out());
        assertTrue(r.out().contains("wrote " + mp4 + ": 5 frames 48x80"), r.out());
        assertTrue(r.err().contains("denoising"), "progress bar on stderr: " + r.err());
        try (SeekableByteChannel ch = NIOUtils.readableChannel(mp4.toFile())) {
            List<DemuxerTrack> tracks = MP4Demuxer.createMP4Demuxer(ch).getVideoTracks();
            assertEquals(1, tracks.size());
            DemuxerTrackMeta meta = tracks.get(0).getMeta();
            assertEquals(Codec.H264, meta.getCodec());
            assertEquals(5, meta.getTotalFrames());
            assertEquals(80, meta.getVideoCodecMeta().getSize().getWidth());
            assertEquals(48, meta.getVideoCodecMeta().getSize().getHeight());
            int packets = 0;
            while (tracks.get(0).nextFrame() != null) {
                packets++;
            }
            assertEquals(5, packets);
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(mp4), files.toList(), "only the MP4, no temporary file left");
        }
    }

    @Test
    void oneFrameOrPngOutputWritesAPng(@TempDir Path dir) throws IOException {
        Path explicit = dir.resolve("one.png");
        CliRun a = cli("--prompt", "a cat", "--frames", "1", "--steps", "1", "--seed", "3", "--out", explicit.toString());
        assertEquals(0, a.code(), a.out() + a.err());
        Path implicit = dir.resolve("two.PNG");
        CliRun b = cli("--prompt", "a cat", "--steps", "1", "--seed", "3", "--width", "32", "--out",
                implicit.toString());
        assertEquals(0, b.code(), b.out() + b.err());
        BufferedImage one = ImageIO.read(explicit.toFile());
        assertEquals(TinyModel.DEFAULT_SIZE, one.getWidth());
        assertEquals(TinyModel.DEFAULT_SIZE, one.getHeight());
        BufferedImage two = ImageIO.read(implicit.toFile());
        assertEquals(32, two.getWidth());
        assertEquals(TinyModel.DEFAULT_SIZE, two.getHeight());
        assertTrue(distinctColours(one) > 100, "a noise-like image, not a flat one: " + distinctColours(one));
    }

    private static long distinctColours(BufferedImage img) {
        java.util.Set<Integer> c = new java.util.HashSet<>();
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                c.add(img.getRGB(x, y));
            }
        }
        return c.size();
    }

    private static final GenerationRequest REQUEST = GenerationRequest.of("a red fox in the snow")
            .withSize(32, 48).withFrames(5).withSteps(2).withSeed(11);

    private static float[][] frames(Video v) {
        float[][] f = new float[v.frameCount()][];
        for (int i = 0; i < f.length; i++) {
            f[i] = v.frame(i);
        }
        return f;
    }

    private static float[][] tinyFrames(GenerationRequest request, Offload offload) {
        try (VideoPipeline pipe = TinyModel.builder(ComponentOptions.defaults()).offload(offload).build()) {
            return frames(pipe.generate(request));
        }
    }

    @Test
    void sameSeedGivesBitIdenticalFramesAcrossPipelines() {
        float[][] a = tinyFrames(REQUEST, Offload.NONE);
        float[][] b = tinyFrames(REQUEST, Offload.NONE);
        assertEquals(5, a.length);
        for (int i = 0; i < a.length; i++) {
            assertArrayEquals(a[i], b[i], "frame " + i);
        }
        float[][] other = tinyFrames(REQUEST.withSeed(12), Offload.NONE);
        assertFalse(java.util.Arrays.equals(a[0], other[0]), "another seed, other frames");
        float[][] otherPrompt = tinyFrames(REQUEST.withPrompt("a blue whale"), Offload.NONE);
        assertFalse(java.util.Arrays.equals(a[0], otherPrompt[0]), "the prompt conditions the output");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = Offload.class, names = {"MODEL", "BLOCK"})
    void offloadRebuildsThePromptEncoderReloadsTheLazyDitAndChangesNothing(Offload offload) {
        float[][] plain = tinyFrames(REQUEST, Offload.NONE);
        try (VideoPipeline pipe = TinyModel.builder(ComponentOptions.defaults()).offload(offload).build()) {
            float[][] first = frames(pipe.generate(REQUEST));
            float[][] second = frames(pipe.generate(REQUEST)); // the encoder was released after the first prompt
            for (int i = 0; i < plain.length; i++) {
                assertArrayEquals(plain[i], first[i], offload + " frame " + i);
                assertArrayEquals(plain[i], second[i], offload + " frame " + i);
            }
        }
    }

    @Test
    void diffusersFolderLoadsInOneLineAndGeneratesTheTinyModelsFrames(@TempDir Path dir) throws IOException {
        Path model = TinyModel.writeDiffusersFolder(dir);
        try (Stream<Path> shards = Files.list(model.resolve("transformer"))) {
            assertTrue(shards.filter(p -> p.toString().endsWith(".safetensors")).count() >= 3);
        }
        assertTrue(Files.isRegularFile(model.resolve("transformer/diffusion_pytorch_model.safetensors.index.json")));
        float[][] loaded;
        try (VideoPipeline pipe = VideoPipeline.fromPretrained(model)) {
            Video v = pipe.generate(REQUEST);
            assertEquals(model.toAbsolutePath().normalize().toString(), v.provenance().model());
            loaded = frames(v);
        }
        float[][] embedded = tinyFrames(REQUEST, Offload.NONE);
        for (int i = 0; i < embedded.length; i++) {
            assertArrayEquals(embedded[i], loaded[i], "frame " + i + ": folder and in-memory model must agree");
        }
        // and through the CLI's --model
        Path mp4 = dir.resolve("out.mp4");
        CliRun r = cli("--model", model.toString(), "--prompt", "a cat", "--height", "32", "--width", "32", "--frames",
                "5", "--steps", "2", "--out", mp4.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertFalse(r.out().contains("RANDOM weights"), r.out());
        assertTrue(Files.size(mp4) > 0);
    }

    @Test
    void bf16ShardedFolderAsPublishedLoadsInBothComputeDtypesAndWithBlockOffload(@TempDir Path dir)
            throws IOException {
        Path model = TinyModel.writeDiffusersFolder(dir, DType.BF16);
        try (SafetensorsFile shard = SafetensorsFile.open(Files.list(model.resolve("transformer"))
                .filter(p -> p.toString().endsWith(".safetensors")).findFirst().orElseThrow())) {
            assertTrue(shard.names().stream().allMatch(n -> shard.info(n).dtype() == DType.BF16));
        }
        float[][] reference = tinyFrames(REQUEST, Offload.NONE);
        for (ComputeDtype dtype : ComputeDtype.values()) {
            ComponentOptions options = new ComponentOptions(ai.djl.Device.cpu(), dtype, LoadMode.EAGER);
            for (Offload offload : new Offload[] {Offload.NONE, Offload.BLOCK}) {
                float[][] got;
                try (VideoPipeline pipe = VideoPipeline.fromPretrained(model, options, offload)) {
                    Video v = pipe.generate(REQUEST);
                    assertEquals(dtype, v.provenance().computeDtype());
                    got = frames(v);
                }
                double maxDiff = 0;
                for (int i = 0; i < reference.length; i++) {
                    for (int j = 0; j < reference[i].length; j++) {
                        assertTrue(Float.isFinite(got[i][j]), "frame " + i + " has a non-finite value");
                        maxDiff = Math.max(maxDiff, Math.abs(got[i][j] - reference[i][j]));
                    }
                }
                // bf16-rounded weights (and bf16 compute) move the frames a little, never far
                assertTrue(maxDiff > 0 && maxDiff < 0.1, dtype + " " + offload + ": max |diff| " + maxDiff);
            }
        }
    }
}
