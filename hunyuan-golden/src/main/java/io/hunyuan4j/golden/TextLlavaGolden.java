package io.hunyuan4j.golden;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.config.JsonConfig;
import io.hunyuan4j.core.ops.AttentionBackends;
import io.hunyuan4j.core.ops.HostArrays;
import io.hunyuan4j.core.weights.StateDict;
import io.hunyuan4j.text.LlavaConfig;
import io.hunyuan4j.text.LlavaPromptAssembly;
import io.hunyuan4j.text.LlavaTextEncoder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fixture {@code text_llava} (tools/golden/make_llava_fixture.py): HunyuanVideo-I2V's LLaVA prompt encoder from the
 * tokenizer's ids and the processed pixels: the expanded ids, mask and position ids, the projected image features,
 * the Llama hidden state and the assembled prompt embeddings for {@code image_embed_interleave} 2 and 4. As the
 * fixture stores them, the hidden state and the prompt embeddings are zeroed under their masks.
 */
public final class TextLlavaGolden implements GoldenComponent {

    /** {@inheritDoc} */
    @Override
    public String name() {
        return "text_llava";
    }

    /** {@inheritDoc} */
    @Override
    public Map<String, NDArray> run(GoldenFixture fx, NDManager manager, GoldenOptions options) {
        JsonConfig c = fx.config();
        LlavaConfig config = LlavaConfig.fromJson(c);
        StateDict w = fx.weights(manager, options);
        LlavaTextEncoder encoder = new LlavaTextEncoder(w, config, AttentionBackends.defaultBackend());
        w.requireAllConsumed();
        JsonConfig t = c.object("prompt_template");
        LlavaPromptAssembly assembly = new LlavaPromptAssembly(t.getInt("crop_start"), t.getInt("image_emb_start"),
                t.getInt("image_emb_end"), t.getInt("image_emb_len"), endHeaderId(c));
        long[][] ids = rows(fx.input("input_ids", manager));
        long[][] mask = rows(fx.input("attention_mask", manager));
        NDArray pixels = fx.input("pixel_values", manager);
        LlavaPromptAssembly.Expanded e = assembly.expand(ids, config.imageTokenIndex(), c.getInt("pad_token_id"));
        Map<String, NDArray> out = new LinkedHashMap<>();
        out.put("expanded_input_ids", longs(manager, e.inputIds()));
        out.put("expanded_attention_mask", longs(manager, e.attentionMask()));
        out.put("position_ids", longs(manager, e.positionIds()));
        out.put("image_features", encoder.imageFeatures(pixels));
        NDArray expandedMask = out.get("expanded_attention_mask");
        NDArray hidden = encoder.hiddenState(out.get("expanded_input_ids"), expandedMask, pixels,
                c.getInt("num_hidden_layers_to_skip"));
        out.put("hidden_state", masked(hidden, expandedMask));
        for (int k : new int[] {2, 4}) {
            LlavaPromptAssembly.Assembled a = assembly.assemble(hidden, ids, mask, k);
            out.put("prompt_embeds.interleave" + k, masked(a.promptEmbeds(), a.attentionMask()));
            out.put("prompt_attention_mask.interleave" + k, a.attentionMask());
        }
        return out;
    }

    /** The fixture's template uses id 6 for {@code <|end_header_id|>}; a config may name it. */
    private static long endHeaderId(JsonConfig c) {
        return c.has("end_header_token_id") ? c.getInt("end_header_token_id") : 6;
    }

    private static NDArray masked(NDArray x, NDArray mask) {
        return x.mul(mask.toType(DataType.FLOAT32, false).expandDims(2));
    }

    private static long[][] rows(NDArray a) {
        long[] flat = a.toType(DataType.INT64, false).toLongArray();
        int b = (int) a.getShape().get(0);
        int l = (int) a.getShape().get(1);
        long[][] out = new long[b][l];
        for (int i = 0; i < b; i++) {
            System.arraycopy(flat, i * l, out[i], 0, l);
        }
        return out;
    }

    private static NDArray longs(NDManager manager, long[][] rows) {
        int l = rows[0].length;
        long[] flat = new long[rows.length * l];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * l, l);
        }
        return HostArrays.longs(manager, flat, new Shape(rows.length, l));
    }
}
