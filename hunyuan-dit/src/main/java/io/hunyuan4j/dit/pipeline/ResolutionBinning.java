package io.hunyuan4j.dit.pipeline;

import java.util.List;

/**
 * HunyuanDiT's standard resolutions ({@code STANDARD_RATIO}, {@code STANDARD_SHAPE}, {@code SUPPORTED_SHAPE},
 * {@code map_to_standard_shapes} of diffusers' pipeline): a size not among the 10 supported ones is snapped to the
 * shape of the closest aspect ratio, then the closest area.
 *
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/pipelines/hunyuandit/pipeline_hunyuandit.py">diffusers map_to_standard_shapes</a>
 */
public final class ResolutionBinning {

    /**
     * A size in pixels.
     *
     * @param width w
     * @param height h
     */
    public record Size(int width, int height) { }

    private static final double[] STANDARD_RATIO = {1.0, 4.0 / 3.0, 3.0 / 4.0, 16.0 / 9.0, 9.0 / 16.0};
    /** (width, height) per ratio, as diffusers lists them. */
    private static final int[][][] STANDARD_SHAPE = {
        {{1024, 1024}, {1280, 1280}},
        {{1024, 768}, {1152, 864}, {1280, 960}},
        {{768, 1024}, {864, 1152}, {960, 1280}},
        {{1280, 768}},
        {{768, 1280}},
    };
    /** The supported (height, width) pairs; the list holds both orientations of each. */
    public static final List<Size> SUPPORTED = List.of(new Size(1024, 1024), new Size(1280, 1280),
            new Size(1024, 768), new Size(1152, 864), new Size(1280, 960), new Size(768, 1024), new Size(864, 1152),
            new Size(960, 1280), new Size(1280, 768), new Size(768, 1280));

    private ResolutionBinning() {}

    /** Whether (height, width) is one of the supported shapes. */
    public static boolean supported(int height, int width) {
        return SUPPORTED.contains(new Size(height, width));
    }

    /**
     * {@code map_to_standard_shapes(width, height)}: the first closest ratio, then the first closest area
     * ({@code np.argmin}).
     */
    public static Size mapToStandardShapes(int targetWidth, int targetHeight) {
        double targetRatio = (double) targetWidth / targetHeight;
        int ratioIdx = 0;
        for (int i = 1; i < STANDARD_RATIO.length; i++) {
            if (Math.abs(STANDARD_RATIO[i] - targetRatio) < Math.abs(STANDARD_RATIO[ratioIdx] - targetRatio)) {
                ratioIdx = i;
            }
        }
        int[][] shapes = STANDARD_SHAPE[ratioIdx];
        long area = (long) targetWidth * targetHeight;
        int areaIdx = 0;
        for (int i = 1; i < shapes.length; i++) {
            if (Math.abs((long) shapes[i][0] * shapes[i][1] - area)
                    < Math.abs((long) shapes[areaIdx][0] * shapes[areaIdx][1] - area)) {
                areaIdx = i;
            }
        }
        return new Size(shapes[areaIdx][0], shapes[areaIdx][1]);
    }
}
