package io.hunyuan4j.core.api;

/**
 * An 8-bit RGB image on the host, as PIL holds what diffusers' pipelines hand to an image processor.
 *
 * @param rgb [height, width, 3] row-major values in [0, 255] (not copied: treat as read-only)
 * @param height rows
 * @param width columns
 */
public record RgbImage(int[] rgb, int height, int width) {

    /**
     * Checks the size.
     *
     * @throws IllegalArgumentException if a side is not positive or {@code rgb} is not {@code height x width x 3}
     */
    public RgbImage {
        if (height < 1 || width < 1 || rgb.length != 3L * height * width) {
            throw new IllegalArgumentException("an RGB image of " + height + "x" + width + " needs "
                    + 3L * height * width + " values but has " + rgb.length);
        }
    }

    /** {@code PIL.Image.new("RGB", (width, height), 0)}: diffusers' image for the negative prompt. */
    public static RgbImage black(int height, int width) {
        return new RgbImage(new int[Math.multiplyExact(3, Math.multiplyExact(height, width))], height, width);
    }
}
