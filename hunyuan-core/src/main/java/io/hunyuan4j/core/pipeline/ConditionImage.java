package io.hunyuan4j.core.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.api.RgbImage;
import io.hunyuan4j.core.ops.HostArrays;
import io.hunyuan4j.core.ops.PilResize;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * The image an image-to-video request animates: host-side RGB pixels in [0, 1], immutable (a request stays free
 * of engine memory). Built from a {@link BufferedImage}, a file, or float pixels.
 *
 * <p><b>Conversions</b> (documented, not errors): grayscale becomes RGB; an alpha channel is dropped (PIL's
 * {@code convert("RGB")}); 16-bit PNGs are reduced to 8 bits per channel (what {@link BufferedImage#getRGB}
 * gives; diffusers' PIL path works in 8 bits too); indexed colours are expanded. <b>Errors</b>
 * ({@link ConditionImageException}): a file that is not an image, an image the JDK cannot decode, a CMYK or YCCK
 * JPEG (convert it to RGB first: the JDK would convert it without its colour profile), or a side outside
 * [{@link #MIN_SIDE}, {@link #MAX_SIDE}] pixels.
 *
 * <p>The pipeline resizes the image to the request's width x height as diffusers' {@code VideoProcessor.preprocess}
 * does by default (PIL {@code resize((width, height), LANCZOS)}: no crop, so a different aspect ratio is
 * stretched; crop first to keep it) and maps it to [-1, 1].
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/image_processor.py">diffusers VaeImageProcessor.preprocess</a>
 */
public final class ConditionImage {

    /**
     * The smallest width or height accepted: one latent pixel is 8x8 image pixels, and stretching a thumbnail
     * of under two latent pixels to a video size is almost surely a mistake.
     */
    public static final int MIN_SIDE = 16;
    /** The largest width or height accepted, as {@link GenerationRequest#MAX_SIDE}. */
    public static final int MAX_SIDE = GenerationRequest.MAX_SIDE;

    private final float[] rgb;
    private final int height;
    private final int width;
    private final String source;

    private ConditionImage(float[] rgb, int height, int width, String source) {
        this.rgb = rgb;
        this.height = height;
        this.width = width;
        this.source = source;
    }

    /**
     * An image from RGB pixels.
     *
     * @param rgb [height, width, 3] row-major, each in [0, 1] (copied)
     * @throws ConditionImageException if a side is outside [{@link #MIN_SIDE}, {@link #MAX_SIDE}]
     * @throws IllegalArgumentException if the length does not match or a value is outside [0, 1] or not finite
     */
    public static ConditionImage ofPixels(float[] rgb, int height, int width) {
        checkSize("pixels", height, width);
        if (rgb.length != 3L * height * width) {
            throw new IllegalArgumentException("rgb must hold height x width x 3 = " + (3L * height * width)
                    + " values but holds " + rgb.length);
        }
        for (int i = 0; i < rgb.length; i++) {
            if (!(rgb[i] >= 0f && rgb[i] <= 1f)) {
                throw new IllegalArgumentException("rgb values must be in [0, 1] but rgb[" + i + "] is " + rgb[i]);
            }
        }
        return new ConditionImage(rgb.clone(), height, width, "pixels");
    }

    /**
     * An image from a decoded {@link BufferedImage} (any type the JDK can draw: see the class notes on conversions).
     *
     * @throws ConditionImageException if a side is outside [{@link #MIN_SIDE}, {@link #MAX_SIDE}]
     */
    public static ConditionImage of(BufferedImage image) {
        return of(image, "image");
    }

    private static ConditionImage of(BufferedImage image, String source) {
        int h = image.getHeight();
        int w = image.getWidth();
        checkSize(source, h, w);
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        float[] rgb = new float[3 * h * w];
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            rgb[3 * i] = ((p >> 16) & 0xff) / 255f;
            rgb[3 * i + 1] = ((p >> 8) & 0xff) / 255f;
            rgb[3 * i + 2] = (p & 0xff) / 255f;
        }
        return new ConditionImage(rgb, h, w, source);
    }

    /**
     * Reads an image file (PNG, JPEG, BMP, GIF: what {@link ImageIO} decodes).
     *
     * @throws ConditionImageException if the file is not an image, cannot be decoded (naming the format, e.g. a
     *     CMYK JPEG), or is too small or too large
     * @throws UncheckedIOException if the file cannot be read
     */
    public static ConditionImage read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConditionImageException(file + ": not a regular file");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = in == null ? java.util.Collections.emptyIterator()
                    : ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new ConditionImageException(file + ": not an image the SDK can read (expected PNG, JPEG,"
                        + " BMP or GIF)");
            }
            ImageReader reader = readers.next();
            String format = reader.getFormatName();
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                checkSize(file.toString(), h, w); // before decoding a huge image
                BufferedImage image;
                try {
                    image = reader.read(0);
                } catch (javax.imageio.IIOException e) {
                    throw new ConditionImageException(file + ": the " + format + " image cannot be decoded ("
                            + e.getMessage() + "); a CMYK or YCCK JPEG must be converted to RGB first", e);
                }
                if (image.getColorModel().getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_CMYK) {
                    // the JDK decodes it, but converts to RGB without the colour profile: wrong colours, silently
                    throw new ConditionImageException(file + ": a CMYK " + format + " image; convert it to RGB"
                            + " first (e.g. with an image editor or `convert in.jpg -colorspace sRGB out.png`)");
                }
                return of(image, file.toString());
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static void checkSize(String source, int height, int width) {
        if (height < MIN_SIDE || width < MIN_SIDE || height > MAX_SIDE || width > MAX_SIDE) {
            throw new ConditionImageException(source + ": the image is " + width + "x" + height
                    + " pixels; each side must be in [" + MIN_SIDE + ", " + MAX_SIDE + "]");
        }
    }

    /** Height in pixels. */
    public int height() {
        return height;
    }

    /** Width in pixels. */
    public int width() {
        return width;
    }

    /** A copy of the pixels, [height, width, 3] in [0, 1]. */
    public float[] rgb() {
        return rgb.clone();
    }

    /**
     * The pixels in 8 bits as PIL holds them (what an image-aware prompt encoder's processor reads); images read
     * from files or {@link BufferedImage}s come back exactly.
     */
    public RgbImage toRgb8() {
        int[] bytes = new int[rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            bytes[i] = Math.round(rgb[i] * 255f);
        }
        return new RgbImage(bytes, height, width);
    }

    /**
     * The image resized to {@code height x width} as PIL's {@code Image.resize((width, height), LANCZOS)} does an
     * 8-bit RGB image (bit-exact; float pixels are rounded to 8 bits first, as PIL holds them); the same image
     * when the size already matches.
     */
    public ConditionImage resized(int newHeight, int newWidth) {
        if (newHeight == height && newWidth == width) {
            return this;
        }
        checkSize("resize target", newHeight, newWidth);
        int[] bytes = toRgb8().rgb();
        int[] out = PilResize.resize(PilResize.Filter.LANCZOS, bytes, height, width, 3, newHeight, newWidth);
        float[] resized = new float[out.length];
        for (int i = 0; i < out.length; i++) {
            resized[i] = out[i] / 255f;
        }
        return new ConditionImage(resized, newHeight, newWidth, source);
    }

    /**
     * {@code VideoProcessor.preprocess(image, height, width)}: resized, then {@code 2 * x - 1}.
     *
     * @return [1, 3, height, width] float32 in [-1, 1]
     */
    public NDArray toTensor(NDManager manager, int targetHeight, int targetWidth) {
        ConditionImage r = resized(targetHeight, targetWidth);
        int n = targetHeight * targetWidth;
        float[] chw = new float[3 * n];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                chw[c * n + i] = r.rgb[3 * i + c] * 2f - 1f;
            }
        }
        return HostArrays.floats(manager, chw, new Shape(1, 3, targetHeight, targetWidth));
    }

    /** For messages and provenance: the source and size. */
    @Override
    public String toString() {
        return "ConditionImage[" + source + ", " + width + "x" + height + "]";
    }
}
