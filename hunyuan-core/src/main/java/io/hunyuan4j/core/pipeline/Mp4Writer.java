package io.hunyuan4j.core.pipeline;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import org.jcodec.api.SequenceEncoder;
import org.jcodec.common.Codec;
import org.jcodec.common.Format;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.io.SeekableByteChannel;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Rational;

/**
 * H.264 in an MP4 container through jcodec (pure Java, no ffmpeg). The container's creation and modification
 * times (in {@code mvhd}, {@code tkhd}, {@code mdhd}) are written as 0 ("unset", 1904-01-01) instead of the
 * wall clock, so the same frames always give the same bytes: files can be hashed, cached and deduplicated.
 */
final class Mp4Writer {

    /** Boxes whose children are boxes, on the way to the three headers that carry times. */
    private static final Set<String> CONTAINERS = Set.of("moov", "trak", "mdia");
    private static final Set<String> TIMED = Set.of("mvhd", "tkhd", "mdhd");

    private Mp4Writer() {}

    static void write(Path file, Video video) throws IOException {
        if (video.width() % 2 != 0 || video.height() % 2 != 0) {
            throw new IllegalArgumentException("MP4 output needs even dimensions for H.264 4:2:0 but the video is "
                    + video.height() + "x" + video.width());
        }
        try (SeekableByteChannel out = NIOUtils.writableChannel(file.toFile())) {
            // Format.MOV writes an ISO-BMFF file (ftyp/moov/mdat) that mp4 demuxers read
            SequenceEncoder enc = new SequenceEncoder(out, Rational.R(video.fps(), 1), Format.MOV, Codec.H264, null);
            for (int i = 0; i < video.frameCount(); i++) {
                enc.encodeNativeFrame(picture(video.frame(i), video.width(), video.height()));
            }
            enc.finish();
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            clearTimes(ch, 0, ch.size());
        }
    }

    /** Encodes to a temporary file (the muxer seeks back to write sizes), then copies it to {@code out}. */
    static void write(OutputStream out, Video video) throws IOException {
        Path tmp = Files.createTempFile("hunyuan4j-", ".mp4");
        try {
            write(tmp, video);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.READ)) {
                ch.transferTo(0, ch.size(), Channels.newChannel(out));
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Zeroes the creation and modification times of every time-carrying header in {@code [from, to)}. */
    private static void clearTimes(FileChannel ch, long from, long to) throws IOException {
        long at = from;
        ByteBuffer header = ByteBuffer.allocate(16);
        while (at + 8 <= to) {
            header.clear().limit(8);
            ch.read(header, at);
            long size = Integer.toUnsignedLong(header.getInt(0));
            String type = new String(header.array(), 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
            int headerBytes = 8;
            if (size == 1) {
                header.clear().limit(8);
                ch.read(header, at + 8);
                size = header.getLong(0);
                headerBytes = 16;
            } else if (size == 0) {
                size = to - at;
            }
            if (size < headerBytes || at + size > to) {
                return; // not a box structure we understand: leave the rest as written
            }
            if (CONTAINERS.contains(type)) {
                clearTimes(ch, at + headerBytes, at + size);
            } else if (TIMED.contains(type)) {
                ByteBuffer version = ByteBuffer.allocate(1);
                ch.read(version, at + headerBytes);
                int width = version.get(0) == 1 ? 8 : 4;
                ch.write(ByteBuffer.allocate(2 * width), at + headerBytes + 4);
            }
            at += size;
        }
    }

    /** jcodec's RGB pictures hold interleaved bytes shifted by -128. */
    private static Picture picture(float[] rgb, int width, int height) {
        Picture p = Picture.create(width, height, ColorSpace.RGB);
        byte[] data = p.getPlaneData(0);
        for (int i = 0; i < rgb.length; i++) {
            data[i] = (byte) (Video.to8bit(rgb[i]) - 128);
        }
        return p;
    }
}
