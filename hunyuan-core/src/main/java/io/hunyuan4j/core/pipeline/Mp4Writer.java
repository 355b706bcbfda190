package io.hunyuan4j.core.pipeline;

import java.io.IOException;
import java.nio.file.Path;
import org.jcodec.api.SequenceEncoder;
import org.jcodec.common.Codec;
import org.jcodec.common.Format;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.io.SeekableByteChannel;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Rational;

/** H.264 in an MP4 container through jcodec (pure Java, no ffmpeg). */
final class Mp4Writer {

    private Mp4Writer() {}

    static void write(Path file, Video video) throws IOException {
        if (video.width() % 2 != 0 || video.height() % 2 != 0) {
            throw new IllegalArgumentException("saveMp4 needs even dimensions for H.264 4:2:0 but the video is "
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
