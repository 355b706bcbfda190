package io.hunyuan4j.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.hunyuan4j.core.weights.SafetensorsFile;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ClipImageProcessor} against transformers' CLIPImageProcessor as re-done with PIL and numpy
 * ({@code tools/golden/make_clip_image_fixture.py}): landscape and portrait images, bicubic shortest-edge resize,
 * center crop, normalisation.
 */
class ClipImageProcessorTest {

    @ParameterizedTest
    @ValueSource(strings = {"30x40", "40x30"})
    void matchesTransformers(String size) throws Exception {
        Path fixture = Path.of(ClipImageProcessorTest.class.getResource("/clip_image.safetensors").toURI());
        ClipImageProcessor processor = new ClipImageProcessor(28, 28, 28, ClipImageProcessor.OPENAI_CLIP_MEAN,
                ClipImageProcessor.OPENAI_CLIP_STD);
        try (SafetensorsFile f = SafetensorsFile.open(fixture); NDManager m = NDManager.newBaseManager()) {
            NDArray image = f.load("image_" + size, m, DataType.FLOAT32);
            int h = (int) image.getShape().get(0);
            int w = (int) image.getShape().get(1);
            float[] px = image.toFloatArray();
            int[] rgb = new int[px.length];
            for (int i = 0; i < px.length; i++) {
                rgb[i] = (int) px[i];
            }
            NDArray got = processor.preprocess(rgb, h, w, m);
            NDArray want = f.load("pixel_values_" + size, m, DataType.FLOAT32);
            assertEquals(want.getShape(), got.getShape());
            // same 8-bit resize, same float32 arithmetic: equal to the last bit
            assertEquals(0f, got.sub(want).abs().max().getFloat(), size);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void rejectsBadStatistics(int n) {
        assertThrows(IllegalArgumentException.class,
                () -> new ClipImageProcessor(28, 28, 28, new float[n], ClipImageProcessor.OPENAI_CLIP_STD));
    }
}
