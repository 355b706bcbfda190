package io.hunyuan4j.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.api.RgbImage;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.ops.HostArrays;
import io.hunyuan4j.core.ops.PilResize;

/**
 * transformers {@code CLIPImageProcessor} (the I2V pipeline's {@code image_processor}, read from
 * {@code preprocessor_config.json} of LLaVA-Llama-3-8B): resize so the shortest edge is {@code shortest_edge}
 * (PIL bicubic), center crop to {@code crop_size}, {@code x / 255}, then {@code (x - mean) / std} per channel, in
 * float32 as transformers computes it.
 *
 * @param shortestEdge {@code size.shortest_edge} (336)
 * @param cropHeight {@code crop_size.height} (336)
 * @param cropWidth {@code crop_size.width} (336)
 * @param imageMean {@code image_mean}, 3 values
 * @param imageStd {@code image_std}, 3 values
 * @see <a href="https://github.com/huggingface/transformers/blob/v4.47.0/src/transformers/models/clip/image_processing_clip.py">transformers CLIPImageProcessor</a>
 */
public record ClipImageProcessor(int shortestEdge, int cropHeight, int cropWidth, float[] imageMean,
        float[] imageStd) {

    /** OpenAI CLIP's normalisation ({@code OPENAI_CLIP_MEAN}). */
    public static final float[] OPENAI_CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    /** OpenAI CLIP's normalisation ({@code OPENAI_CLIP_STD}). */
    public static final float[] OPENAI_CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};

    /** Checks the sizes and copies the statistics. */
    public ClipImageProcessor {
        if (shortestEdge < 1 || cropHeight < 1 || cropWidth < 1 || imageMean.length != 3 || imageStd.length != 3) {
            throw new IllegalArgumentException("shortest_edge and crop_size must be positive, image_mean and"
                    + " image_std 3 values each");
        }
        imageMean = imageMean.clone();
        imageStd = imageStd.clone();
    }

    /** The processor of CLIP ViT-L/14-336 (HunyuanVideo-I2V's LLaVA): shortest edge 336, crop 336, OpenAI stats. */
    public static ClipImageProcessor clipVitL14At336() {
        return new ClipImageProcessor(336, 336, 336, OPENAI_CLIP_MEAN, OPENAI_CLIP_STD);
    }

    /**
     * Reads {@code image_processor/preprocessor_config.json}: {@code size.shortest_edge}, {@code crop_size},
     * {@code image_mean}, {@code image_std} (transformers' defaults: 224, 224, OpenAI statistics). Only what
     * HunyuanVideo-I2V's processor does is implemented: resize with bicubic, center crop, rescale by 1/255,
     * normalise.
     *
     * @throws io.hunyuan4j.core.config.ConfigException naming the key for another resampling, a disabled step, another rescale factor,
     *     or statistics that are not 3 values
     */
    public static ClipImageProcessor fromJson(JsonConfig j) {
        // PIL.Image.BICUBIC == 3
        j.require(j.getInt("resample", 3) == 3, "resample", "supported: 3 (bicubic)");
        for (String step : new String[] {"do_resize", "do_center_crop", "do_rescale", "do_normalize"}) {
            j.require(j.getBoolean(step, true), step, "must be true (the I2V processor runs every step)");
        }
        j.require(Math.abs(j.getDouble("rescale_factor", 1 / 255.0) - 1 / 255.0) < 1e-9, "rescale_factor",
                "supported: 1/255");
        int edge = j.has("size") && j.json().get("size").isJsonObject() ? j.object("size").getInt("shortest_edge", 224)
                : j.getInt("size", 224);
        int cropH = 224;
        int cropW = 224;
        if (j.has("crop_size") && j.json().get("crop_size").isJsonObject()) {
            cropH = j.object("crop_size").getInt("height", 224);
            cropW = j.object("crop_size").getInt("width", 224);
        } else if (j.has("crop_size")) {
            cropH = j.getInt("crop_size");
            cropW = cropH;
        }
        float[] mean = j.getFloatArray("image_mean", OPENAI_CLIP_MEAN);
        float[] std = j.getFloatArray("image_std", OPENAI_CLIP_STD);
        j.require(mean.length == 3, "image_mean", "must be 3 values");
        j.require(std.length == 3, "image_std", "must be 3 values");
        j.require(edge >= 1 && cropH >= 1 && cropW >= 1, "crop_size", "size and crop_size must be positive");
        return new ClipImageProcessor(edge, cropH, cropW, mean, std);
    }

    /** {@link #preprocess(int[], int, int, NDManager)} of an {@link RgbImage}. */
    public NDArray preprocess(RgbImage image, NDManager manager) {
        return preprocess(image.rgb(), image.height(), image.width(), manager);
    }

    /**
     * {@code processor(image, return_tensors="pt").pixel_values}.
     *
     * @param rgb [height, width, 3] 8-bit values, row-major
     * @return [1, 3, crop_height, crop_width] float32
     * @throws IllegalArgumentException if the resized image is smaller than the crop
     */
    public NDArray preprocess(int[] rgb, int height, int width, NDManager manager) {
        // get_resize_output_image_size(default_to_square=False): the short side becomes shortest_edge
        int shortSide = Math.min(height, width);
        int longSide = Math.max(height, width);
        int newLong = (int) ((long) shortestEdge * longSide / shortSide);
        int newHeight = width <= height ? newLong : shortestEdge;
        int newWidth = width <= height ? shortestEdge : newLong;
        if (newHeight < cropHeight || newWidth < cropWidth) {
            throw new IllegalArgumentException("the image resized to " + newHeight + "x" + newWidth
                    + " is smaller than the crop " + cropHeight + "x" + cropWidth);
        }
        int[] resized = PilResize.resize(PilResize.Filter.BICUBIC, rgb, height, width, 3, newHeight, newWidth);
        // center_crop: top = (h - crop_h) // 2, left = (w - crop_w) // 2
        int top = (newHeight - cropHeight) / 2;
        int left = (newWidth - cropWidth) / 2;
        int n = cropHeight * cropWidth;
        float[] chw = new float[3 * n];
        for (int y = 0; y < cropHeight; y++) {
            for (int x = 0; x < cropWidth; x++) {
                for (int c = 0; c < 3; c++) {
                    // rescale in float64 then float32, normalise in float32 (transformers' numpy dtypes)
                    float v = (float) (resized[((top + y) * newWidth + left + x) * 3 + c] * (1 / 255.0));
                    chw[c * n + y * cropWidth + x] = (v - imageMean[c]) / imageStd[c];
                }
            }
        }
        return HostArrays.floats(manager, chw, new Shape(1, 3, cropHeight, cropWidth));
    }
}
