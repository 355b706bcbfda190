package io.hunyuan4j.core.pipeline;

import io.hunyuan4j.core.offload.Offload;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hunyuan4j.core.ops.ComputeDtype;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.jcodec.common.Codec;
import org.jcodec.common.DemuxerTrack;
import org.jcodec.common.DemuxerTrackMeta;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.io.SeekableByteChannel;
import org.jcodec.common.model.Packet;
import org.jcodec.containers.mp4.demuxer.MP4Demuxer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoTest {

    /** A gradient video: frame f, pixel (y, x) = ((f + x) / (F + W), y / H, 0.5). */
    static Video gradient(int frames, int h, int w) {
        float[] rgb = new float[frames * h * w * 3];
        for (int f = 0; f < frames; f++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int p = ((f * h + y) * w + x) * 3;
                    rgb[p] = (f + x) / (float) (frames + w);
                    rgb[p + 1] = y / (float) h;
                    rgb[p + 2] = 0.5f;
                }
            }
        }
        Provenance prov = new Provenance(GenerationRequest.of("test"), 0, "test", "flow-match-euler", Map.of(),
                ComputeDtype.FLOAT32, Offload.NONE, 1L, false, 0, Map.of("denoise", Duration.ofMillis(1)), Map.of(),
                null);
        return new Video(frames, h, w, rgb, 24, prov);
    }

    @Test
    void mp4IsH264WithTheRequestedFramesAndSize(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("v.mp4");
        gradient(9, 48, 64).saveMp4(out);
        // readable by others like any written file, not the temporary file's owner-only mode
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(
                java.nio.file.Files.getPosixFilePermissions(out)));
        try (SeekableByteChannel ch = NIOUtils.readableChannel(out.toFile())) {
            MP4Demuxer demuxer = MP4Demuxer.createMP4Demuxer(ch);
            List<DemuxerTrack> tracks = demuxer.getVideoTracks();
            assertEquals(1, tracks.size());
            DemuxerTrackMeta meta = tracks.get(0).getMeta();
            assertEquals(Codec.H264, meta.getCodec());
            assertEquals(9, meta.getTotalFrames());
            assertEquals(64, meta.getVideoCodecMeta().getSize().getWidth());
            assertEquals(48, meta.getVideoCodecMeta().getSize().getHeight());
            assertEquals(9.0 / 24, meta.getTotalDuration(), 1e-6);
            int packets = 0;
            Packet p;
            while ((p = tracks.get(0).nextFrame()) != null) {
                assertTrue(p.getData().remaining() > 0);
                packets++;
            }
            assertEquals(9, packets);
        }
        assertOnlyFiles(dir, "v.mp4");
    }

    /** Same frames, same bytes: the file, the stream and the byte array agree, across writes seconds apart. */
    @Test
    void mp4BytesAreDeterministicAndStreamable(@TempDir Path dir) throws Exception {
        Video v = gradient(5, 32, 48);
        Path a = dir.resolve("a.mp4");
        v.saveMp4(a);
        Thread.sleep(1100); // the muxer's clock has a resolution of one second
        Path b = dir.resolve("b.mp4");
        v.saveMp4(b);
        byte[] fileA = java.nio.file.Files.readAllBytes(a);
        assertArrayEquals(fileA, java.nio.file.Files.readAllBytes(b));
        assertArrayEquals(fileA, v.toMp4Bytes());
        java.io.ByteArrayOutputStream s = new java.io.ByteArrayOutputStream();
        v.writeMp4(s);
        assertArrayEquals(fileA, s.toByteArray());
        try (SeekableByteChannel ch = new org.jcodec.common.io.ByteBufferSeekableByteChannel(
                java.nio.ByteBuffer.wrap(v.toMp4Bytes()), fileA.length)) {
            assertEquals(5, MP4Demuxer.createMP4Demuxer(ch).getVideoTracks().get(0).getMeta().getTotalFrames());
        }
    }

    @Test
    void pngsRoundTripTheQuantisedPixels(@TempDir Path dir) throws IOException {
        Video v = gradient(5, 16, 32);
        List<Path> files = v.savePngs(dir.resolve("frames"));
        assertEquals(5, files.size());
        BufferedImage img = ImageIO.read(files.get(3).toFile());
        assertEquals(32, img.getWidth());
        assertEquals(16, img.getHeight());
        assertEquals(v.image(3).getRGB(7, 9), img.getRGB(7, 9));
        int r = (img.getRGB(7, 9) >> 16) & 0xff;
        assertEquals(Math.round((3 + 7) / 37f * 255), r);
    }

    @Test
    void singleFrameSavesAsPng(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("img.PNG");
        gradient(1, 16, 16).savePng(out);
        assertEquals(16, ImageIO.read(out.toFile()).getWidth());
        var e = assertThrows(IllegalStateException.class, () -> gradient(5, 16, 16).savePng(dir.resolve("x.png")));
        assertTrue(e.getMessage().contains("1-frame"), e.getMessage());
    }

    @Test
    void outputPathsAreValidated(@TempDir Path dir) {
        var ext = assertThrows(IllegalArgumentException.class,
                () -> OutputFiles.requireWritable(dir.resolve("v.avi"), "mp4", "png"));
        assertTrue(ext.getMessage().contains("must end with .mp4 or .png but ends with '.avi'"), ext.getMessage());
        var parent = assertThrows(IllegalArgumentException.class,
                () -> gradient(1, 16, 16).saveMp4(dir.resolve("missing/v.mp4")));
        assertTrue(parent.getMessage().contains("does not exist"), parent.getMessage());
        assertEquals("mp4", OutputFiles.requireWritable(dir.resolve("ok.MP4"), "mp4", "png"));
    }

    @Test
    void failedWriteLeavesNoFile(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("v.mp4");
        Files.writeString(out, "previous");
        assertThrows(java.io.UncheckedIOException.class, () -> OutputFiles.writeAtomically(out, tmp -> {
            Files.writeString(tmp, "half");
            throw new IOException("disk full");
        }));
        assertEquals("previous", Files.readString(out), "target untouched");
        assertOnlyFiles(dir, "v.mp4");
        Path fresh = dir.resolve("w.mp4");
        assertThrows(java.io.UncheckedIOException.class, () -> OutputFiles.writeAtomically(fresh, tmp -> {
            throw new IOException("encoder failed");
        }));
        assertFalse(Files.exists(fresh));
        assertOnlyFiles(dir, "v.mp4");
    }

    private static void assertOnlyFiles(Path dir, String... names) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(names), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }
}
