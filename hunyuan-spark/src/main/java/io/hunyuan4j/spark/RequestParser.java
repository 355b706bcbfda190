package io.hunyuan4j.spark;

import io.hunyuan4j.core.pipeline.ConditionImage;
import io.hunyuan4j.core.pipeline.GenerationRequest;
import io.hunyuan4j.testing.TinyModel;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.jspecify.annotations.Nullable;

/** Turns one normalized request row ({@link VideoRequests#SCHEMA}) into a {@link GenerationRequest}. */
final class RequestParser {

    /** Output names are {@code ID.mp4}: the id must be a safe file name on every file system. */
    static final Pattern ID_PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

    private RequestParser() {}

    /**
     * Values for the optional columns a row leaves null.
     *
     * @param height pixels
     * @param width pixels
     * @param frames frame count
     * @param steps denoising steps
     */
    record Defaults(int height, int width, int frames, int steps) implements Serializable {
        private static final long serialVersionUID = 1L;

        /** The tiny model's small sizes without a model (a real model would run for minutes); diffusers' otherwise. */
        static Defaults forModel(@Nullable String model) {
            return model == null
                    ? new Defaults(TinyModel.DEFAULT_SIZE, TinyModel.DEFAULT_SIZE, TinyModel.DEFAULT_FRAMES,
                            TinyModel.DEFAULT_STEPS)
                    : new Defaults(GenerationRequest.DEFAULT_HEIGHT, GenerationRequest.DEFAULT_WIDTH,
                            GenerationRequest.DEFAULT_FRAMES, GenerationRequest.DEFAULT_STEPS);
        }
    }

    /**
     * The row's id, checked.
     *
     * @throws IllegalArgumentException if it is null or not a safe file name
     */
    static String id(Row row) {
        String id = text(row, VideoRequests.ID);
        if (id == null || !ID_PATTERN.matcher(id).matches()) {
            throw new IllegalArgumentException("id must match " + ID_PATTERN.pattern() + " (it names the output"
                    + " file) but is " + (id == null ? "null" : "'" + id + "'"));
        }
        return id;
    }

    /**
     * The row's seed, or one derived from the id ({@link String#hashCode()} is specified, so every JVM and
     * every attempt derives the same one).
     *
     * @throws IllegalArgumentException if the seed column holds something other than a whole number
     */
    static long seed(Row row, String id) {
        String s = text(row, VideoRequests.SEED);
        if (s == null) {
            return Integer.toUnsignedLong(id.hashCode());
        }
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(VideoRequests.SEED + " must be a whole number but is '" + s + "'", e);
        }
    }

    /**
     * The request of a row whose id and seed are known.
     *
     * @throws IllegalArgumentException for a missing prompt, a malformed number or a value
     *     {@link GenerationRequest} refuses (its message names the parameter and the rule)
     * @throws io.hunyuan4j.core.pipeline.ConditionImageException for an {@code image_path} that is not a usable
     *     image (the model must then be an image-to-video one, which the pipeline checks)
     * @throws java.io.UncheckedIOException if the image cannot be read
     */
    static GenerationRequest request(Row row, long seed, Defaults d) {
        String prompt = text(row, VideoRequests.PROMPT);
        if (prompt == null) {
            throw new IllegalArgumentException(VideoRequests.PROMPT + " is null; every request needs a prompt");
        }
        String image = text(row, VideoRequests.IMAGE_PATH);
        GenerationRequest r = GenerationRequest.of(prompt)
                .withSize(integer(row, VideoRequests.HEIGHT, d.height()), integer(row, VideoRequests.WIDTH, d.width()))
                .withFrames(integer(row, VideoRequests.FRAMES, d.frames()))
                .withSteps(integer(row, VideoRequests.STEPS, d.steps()))
                .withSeed(seed);
        if (image != null) {
            // a local path every executor can read (docs/spark.md); read here so a bad image fails only its row
            r = r.withImage(ConditionImage.read(Path.of(image)));
        }
        String negative = text(row, VideoRequests.NEGATIVE_PROMPT);
        return negative == null ? r : r.withNegativePrompt(negative);
    }

    private static int integer(Row row, String column, int fallback) {
        String s = text(row, column);
        if (s == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(column + " must be a whole number but is '" + s + "'", e);
        }
    }

    private static @Nullable String text(Row row, String column) {
        int i = VideoRequests.COLUMNS.indexOf(column);
        return row.isNullAt(i) ? null : row.getString(i);
    }
}
