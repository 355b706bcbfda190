package io.hunyuan4j.core.pipeline;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A generated video (or image: one frame) on the host: RGB frames with values in [0, 1], the frame rate and
 * the {@link Provenance}. Immutable; independent of the engine (no native memory), so it outlives the
 * pipeline.
 *
 * <p>Writers are atomic: the file is written to a temporary file in the same folder and renamed into place,
 * so a failure leaves no partial file.
 */
public final class Video {

    private final int frameCount;
    private final int height;
    private final int width;
    private final float[] rgb;
    private final int fps;
    private final Provenance provenance;

    /**
     * @param rgb [F, H, W, 3] row-major, in [0, 1] (copied)
     */
    public Video(int frameCount, int height, int width, float[] rgb, int fps, Provenance provenance) {
        if (frameCount < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("video dimensions must be positive but are frames=" + frameCount
                    + " height=" + height + " width=" + width);
        }
        if ((long) frameCount * height * width * 3 != rgb.length) {
            throw new IllegalArgumentException("rgb has " + rgb.length + " values; frames x height x width x 3 = "
                    + (long) frameCount * height * width * 3);
        }
        this.frameCount = frameCount;
        this.height = height;
        this.width = width;
        this.rgb = rgb.clone();
        this.fps = fps;
        this.provenance = provenance;
    }

    /** Number of frames (1 for an image). */
    public int frameCount() {
        return frameCount;
    }

    /** Height in pixels. */
    public int height() {
        return height;
    }

    /** Width in pixels. */
    public int width() {
        return width;
    }

    /** Frames per second. */
    public int fps() {
        return fps;
    }

    /** How this video was made. */
    public Provenance provenance() {
        return provenance;
    }

    /** One frame as [H, W, 3] RGB floats in [0, 1] (a copy); diffusers' {@code output_type="np"} layout. */
    public float[] frame(int index) {
        java.util.Objects.checkIndex(index, frameCount);
        int n = height * width * 3;
        float[] f = new float[n];
        System.arraycopy(rgb, index * n, f, 0, n);
        return f;
    }

    /**
     * One frame as an 8-bit RGB image, quantised as diffusers' {@code numpy_to_pil}: {@code round(x * 255)}.
     */
    public BufferedImage image(int index) {
        java.util.Objects.checkIndex(index, frameCount);
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int base = index * height * width * 3;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int p = base + (y * width + x) * 3;
                img.setRGB(x, y, (to8bit(rgb[p]) << 16) | (to8bit(rgb[p + 1]) << 8) | to8bit(rgb[p + 2]));
            }
        }
        return img;
    }

    /** All frames as 8-bit images. */
    public List<BufferedImage> images() {
        List<BufferedImage> l = new ArrayList<>(frameCount);
        for (int i = 0; i < frameCount; i++) {
            l.add(image(i));
        }
        return l;
    }

    static int to8bit(float v) {
        return (int) Math.max(0, Math.min(255, Math.rint(v * 255.0)));
    }

    /**
     * Writes an H.264 MP4 (jcodec), atomically. The same frames always give the same bytes: the container's
     * creation time is left unset (0).
     *
     * @param file ends with {@code .mp4}; its folder must exist
     * @throws IllegalArgumentException for a bad path or odd dimensions (H.264 4:2:0 needs even sizes)
     * @throws java.io.UncheckedIOException if writing fails (no file is left behind)
     */
    public void saveMp4(Path file) {
        OutputFiles.requireWritable(file, "mp4");
        OutputFiles.writeAtomically(file, tmp -> Mp4Writer.write(tmp, this));
    }

    /**
     * Writes the H.264 MP4 of {@link #saveMp4} to a stream (for a service that returns the video over HTTP).
     * The same frames always give the same bytes: the container's creation time is left unset (0). The stream
     * is not closed.
     *
     * @throws IllegalArgumentException for odd dimensions (H.264 4:2:0 needs even sizes)
     * @throws java.io.UncheckedIOException if encoding or writing fails
     */
    public void writeMp4(java.io.OutputStream out) {
        java.util.Objects.requireNonNull(out, "out");
        try {
            Mp4Writer.write(out, this);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("writing the MP4 to a stream failed: " + e.getMessage(), e);
        }
    }

    /** The H.264 MP4 of {@link #writeMp4} as bytes. */
    public byte[] toMp4Bytes() {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        writeMp4(bytes);
        return bytes.toByteArray();
    }

    /**
     * Writes the single frame of an image result as PNG, atomically.
     *
     * @throws IllegalStateException if this video has more than one frame (use {@link #savePngs})
     */
    public void savePng(Path file) {
        if (frameCount != 1) {
            throw new IllegalStateException("savePng needs a 1-frame result but this video has " + frameCount
                    + " frames; use savePngs(dir) or saveMp4(file)");
        }
        OutputFiles.requireWritable(file, "png");
        OutputFiles.writeAtomically(file, tmp -> OutputFiles.writePng(image(0), tmp));
    }

    /**
     * Writes every frame as {@code frame_00000.png, ...} into {@code dir} (created if absent; its parent must
     * exist), each atomically.
     *
     * @return the written files in frame order
     */
    public List<Path> savePngs(Path dir) {
        OutputFiles.requireDirectory(dir);
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < frameCount; i++) {
            Path f = dir.resolve(String.format(java.util.Locale.ROOT, "frame_%05d.png", i));
            BufferedImage img = image(i);
            OutputFiles.writeAtomically(f, tmp -> OutputFiles.writePng(img, tmp));
            files.add(f);
        }
        return files;
    }

    @Override
    public String toString() {
        return "Video[" + frameCount + " x " + height + "x" + width + " @ " + fps + " fps]";
    }
}
