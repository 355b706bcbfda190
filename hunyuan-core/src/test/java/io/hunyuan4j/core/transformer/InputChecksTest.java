package io.hunyuan4j.core.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.DenoiserInput;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input is rejected before any heavy work with an IllegalArgumentException naming the parameter, its value
 * and the rule. Non-trailing padding is rejected (the reference builds its mask from the mask's sum).
 */
class InputChecksTest {

    @TempDir
    static Path tmp;
    private static HunyuanVideoTransformer3D model;
    private static NDManager m;
    private static TransformerConfig c;

    @BeforeAll
    static void setUp() throws IOException {
        c = new TransformerConfig(4, 4, 2, 8, 1, 1, 1, 4.0f, 2, 1, TransformerConfig.RMS_NORM, true, 16, 8, 256f,
                new TransformerConfig.RopeAxesDim(2, 2, 4));
        model = HunyuanVideoTransformer3D.load(TestCheckpoints.write(tmp.resolve("t"), c, 5),
                ComponentOptions.defaults());
        m = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        model.close();
        m.close();
    }

    private static DenoiserInput good() {
        return TinyInputs.of(m, c, 3, 8, 6, 4);
    }

    private static String reject(Function<DenoiserInput, DenoiserInput> change) {
        DenoiserInput in = change.apply(good());
        var e = assertThrows(IllegalArgumentException.class, () -> model.forward(in));
        return e.getMessage();
    }

    private static DenoiserInput hidden(DenoiserInput in, NDArray h) {
        return new DenoiserInput(h, in.timestep(), in.encoderHiddenStates(), in.encoderAttentionMask(),
                in.pooledProjections(), in.guidance());
    }

    @Test
    void goodInputRuns() {
        try (NDArray out = model.forward(good())) {
            assertEquals(new Shape(1, 4, 3, 8, 8), out.getShape());
        }
    }

    @Test
    void wrongRank() {
        String msg = reject(in -> hidden(in, m.zeros(new Shape(1, 4, 8, 8))));
        assertTrue(msg.startsWith("hidden_states (1, 4, 8, 8)") && msg.contains("rank 5"), msg);
    }

    @Test
    void wrongChannels() {
        String msg = reject(in -> hidden(in, m.zeros(new Shape(1, 5, 3, 8, 8))));
        assertTrue(msg.contains("hidden_states (1, 5, 3, 8, 8)") && msg.contains("in_channels = 4"), msg);
    }

    @Test
    void heightNotDivisibleByPatch() {
        String msg = reject(in -> hidden(in, m.zeros(new Shape(1, 4, 3, 7, 8))));
        assertTrue(msg.contains("hidden_states") && msg.contains("height") && msg.contains("patch_size = 2"), msg);
        String w = reject(in -> hidden(in, m.zeros(new Shape(1, 4, 3, 8, 9))));
        assertTrue(w.contains("width") && w.contains("patch_size = 2"), w);
    }

    @Test
    void maskLengthNotTextLength() {
        String msg = reject(in -> TinyInputs.withMask(in, m.create(new long[] {1, 1, 1, 0, 0}, new Shape(1, 5))));
        assertTrue(msg.contains("encoder_attention_mask (1, 5)") && msg.contains("length 5")
                && msg.contains("L = 6"), msg);
    }

    @Test
    void paddingNotTrailingIsRejected() {
        String msg = reject(in -> TinyInputs.withMask(in, m.create(new long[] {1, 1, 0, 1, 0, 0}, new Shape(1, 6))));
        assertTrue(msg.contains("encoder_attention_mask[0]") && msg.contains("position 3")
                && msg.contains("padding must be trailing"), msg);
    }

    @Test
    void maskValuesMustBeBinaryAndNotAllPadding() {
        String msg = reject(in -> TinyInputs.withMask(in, m.create(new float[] {1, 2, 1, 0, 0, 0}, new Shape(1, 6))));
        assertTrue(msg.contains("encoder_attention_mask[0, 1] = 2.0") && msg.contains("0 (padding) or 1"), msg);
        String none = reject(in -> TinyInputs.withMask(in, m.zeros(new Shape(1, 6))));
        assertTrue(none.contains("no valid token"), none);
    }

    @Test
    void floatAndBooleanMasksAreAccepted() {
        DenoiserInput in = good();
        try (NDArray a = model.forward(in);
                NDArray b = model.forward(TinyInputs.withMask(in, in.encoderAttentionMask().toType(
                        ai.djl.ndarray.types.DataType.FLOAT32, false)));
                NDArray d = model.forward(TinyInputs.withMask(in, in.encoderAttentionMask().toType(
                        ai.djl.ndarray.types.DataType.BOOLEAN, false)))) {
            assertEquals(0f, a.sub(b).abs().max().getFloat());
            assertEquals(0f, a.sub(d).abs().max().getFloat());
        }
    }

    @Test
    void nanIsReportedByTensorName() {
        String msg = reject(in -> {
            NDArray t = in.encoderHiddenStates().duplicate();
            t.set(new NDIndex("0, 5, 3"), Float.NaN);
            return new DenoiserInput(in.hiddenStates(), in.timestep(), t, in.encoderAttentionMask(),
                    in.pooledProjections(), in.guidance());
        });
        assertTrue(msg.startsWith("encoder_hidden_states contains NaN"), msg);
        String h = reject(in -> {
            NDArray x = in.hiddenStates().duplicate();
            x.set(new NDIndex("0, 1, 2, 3, 4"), Float.NaN);
            return hidden(in, x);
        });
        assertTrue(h.startsWith("hidden_states contains NaN"), h);
        String g = reject(in -> new DenoiserInput(in.hiddenStates(), in.timestep(), in.encoderHiddenStates(),
                in.encoderAttentionMask(), in.pooledProjections(), m.create(new float[] {Float.NaN})));
        assertTrue(g.startsWith("guidance contains NaN"), g);
    }

    @Test
    void missingGuidanceAndWrongPooledAndText() {
        String g = reject(in -> new DenoiserInput(in.hiddenStates(), in.timestep(), in.encoderHiddenStates(),
                in.encoderAttentionMask(), in.pooledProjections(), null));
        assertTrue(g.contains("guidance is null") && g.contains("guidance_embeds"), g);
        String p = reject(in -> new DenoiserInput(in.hiddenStates(), in.timestep(), in.encoderHiddenStates(),
                in.encoderAttentionMask(), m.zeros(new Shape(1, 9)), in.guidance()));
        assertTrue(p.contains("pooled_projections (1, 9)") && p.contains("pooled_projection_dim=8"), p);
        String t = reject(in -> new DenoiserInput(in.hiddenStates(), in.timestep(), m.zeros(new Shape(1, 6, 15)),
                in.encoderAttentionMask(), in.pooledProjections(), in.guidance()));
        assertTrue(t.contains("encoder_hidden_states (1, 6, 15)") && t.contains("text_embed_dim=16"), t);
    }

    @Test
    void rejectedInputLeavesNoArraysBehind() {
        DenoiserInput in = TinyInputs.withMask(good(), m.create(new long[] {1, 0, 1, 0, 0, 0}, new Shape(1, 6)));
        int before = ((ai.djl.ndarray.BaseNDManager) m).getManagedArrays().size();
        assertThrows(IllegalArgumentException.class, () -> model.forward(in));
        assertEquals(before, ((ai.djl.ndarray.BaseNDManager) m).getManagedArrays().size());
    }
}
