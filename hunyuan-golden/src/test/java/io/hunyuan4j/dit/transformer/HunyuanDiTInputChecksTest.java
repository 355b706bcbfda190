package io.hunyuan4j.dit.transformer;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.api.DenoiserInput;
import io.hunyuan4j.core.transformer.RotaryEmbedding;
import io.hunyuan4j.golden.GoldenFixture;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad input to {@link HunyuanDiT2DModel#forward(HunyuanDiTInput)} fails with an {@link IllegalArgumentException}
 * naming the diffusers keyword, before any heavy work: wrong text lengths (the padding rows and the pooler's
 * table fix them), odd sizes, a RoPE table of the wrong grid, a missing or out-of-range style for v1.1, NaN.
 */
class HunyuanDiTInputChecksTest {

    private static GoldenFixture fx;
    private static NDManager m;
    private static HunyuanDiT2DModel model;

    @BeforeAll
    static void open() {
        fx = GoldenFixture.open(HunyuanDiTOffloadTest.fixture("hunyuandit_transformer_v11"));
        m = NDManager.newBaseManager();
        model = HunyuanDiT2DModel.fromWeights(HunyuanDiTConfig.fromJson(fx.config()), fx.weights(),
                ComponentOptions.defaults(), "v11");
    }

    @AfterAll
    static void close() {
        model.close();
        m.close();
        fx.close();
    }

    private static HunyuanDiTInput valid() {
        return new HunyuanDiTInput(fx.input("hidden_states", m), fx.input("timestep", m),
                fx.input("encoder_hidden_states", m), fx.input("text_embedding_mask", m),
                fx.input("encoder_hidden_states_t5", m), fx.input("text_embedding_mask_t5", m),
                fx.input("image_meta_size", m), fx.input("style", m),
                new RotaryEmbedding(fx.input("image_rotary_emb.cos", m), fx.input("image_rotary_emb.sin", m)));
    }

    private static void rejects(String keyword, UnaryOperator<HunyuanDiTInput> change) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.forward(change.apply(valid())));
        assertTrue(e.getMessage().contains(keyword), e.getMessage());
    }

    private static HunyuanDiTInput with(HunyuanDiTInput i, NDArray bert, NDArray t5, NDArray hidden) {
        return new HunyuanDiTInput(hidden, i.timestep(), bert, i.textEmbeddingMask(), t5, i.textEmbeddingMaskT5(),
                i.imageMetaSize(), i.style(), i.imageRotaryEmb());
    }

    @Test
    void rejectsBadInput() {
        rejects("encoder_hidden_states", i -> with(i, m.zeros(new Shape(2, 9, 24)), i.encoderHiddenStatesT5(),
                i.hiddenStates()));
        rejects("encoder_hidden_states_t5", i -> with(i, i.encoderHiddenStates(), m.zeros(new Shape(2, 13, 32)),
                i.hiddenStates()));
        rejects("hidden_states", i -> with(i, i.encoderHiddenStates(), i.encoderHiddenStatesT5(),
                m.zeros(new Shape(2, 4, 7, 6))));
        rejects("image_rotary_emb", i -> with(i, i.encoderHiddenStates(), i.encoderHiddenStatesT5(),
                m.zeros(new Shape(2, 4, 8, 8))));
        rejects("style", i -> new HunyuanDiTInput(i.hiddenStates(), i.timestep(), i.encoderHiddenStates(),
                i.textEmbeddingMask(), i.encoderHiddenStatesT5(), i.textEmbeddingMaskT5(), i.imageMetaSize(),
                m.create(new long[] {0, 1}), i.imageRotaryEmb()));
        rejects("image_meta_size", i -> new HunyuanDiTInput(i.hiddenStates(), i.timestep(),
                i.encoderHiddenStates(), i.textEmbeddingMask(), i.encoderHiddenStatesT5(), i.textEmbeddingMaskT5(),
                null, i.style(), i.imageRotaryEmb()));
        rejects("NaN", i -> with(i, i.encoderHiddenStates(), i.encoderHiddenStatesT5(),
                m.full(new Shape(2, 4, 8, 6), Float.NaN)));
        assertThrows(UnsupportedOperationException.class, () -> model.forward(new DenoiserInput(
                m.zeros(new Shape(1, 4, 8, 6)), m.zeros(new Shape(1)), m.zeros(new Shape(1, 10, 24)),
                m.zeros(new Shape(1, 10), DataType.INT64), m.zeros(new Shape(1, 20)), null)));
    }
}
