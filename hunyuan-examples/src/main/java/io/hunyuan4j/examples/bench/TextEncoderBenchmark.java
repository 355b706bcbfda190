package io.hunyuan4j.examples.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.ops.ChunkedAttention;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.RandomWeights;
import io.hunyuan4j.core.weights.StateDict;
import io.hunyuan4j.text.ClipConfig;
import io.hunyuan4j.text.ClipTextEncoder;
import io.hunyuan4j.text.HunyuanPromptEncoder;
import io.hunyuan4j.text.LlamaConfig;
import io.hunyuan4j.text.LlamaTextEncoder;
import io.hunyuan4j.text.PromptTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Encoding time and peak RSS of the text encoders on random weights generated in memory: a Llama of the real
 * width with fewer layers (default 8) on {@code crop_start + 256} tokens read at {@code hidden_states[-3]}, as
 * the pipeline does (so {@code layers - 2} layers run), and the full-width CLIP on 77 tokens.
 *
 * <pre>
 * java ... io.hunyuan4j.examples.bench.TextEncoderBenchmark [--layers 8] [--dtype fp32|bf16] [--repeat 3]
 *     [--resident] [--tiny]
 * </pre>
 * {@code --resident} keeps the Llama weights loaded (default: streamed per layer, as {@code LoadMode.LAZY}
 * loads the real encoder; here "loading" generates random weights natively). {@code --tiny} shrinks every width
 * for a smoke run.
 */
public final class TextEncoderBenchmark {

    private TextEncoderBenchmark() {}

    /**
     * Runs the benchmark and prints its measurements.
     *
     * @param args the options of the class notes
     * @throws IOException if {@code /proc/self} cannot be read
     */
    public static void main(String[] args) throws IOException {
        int layers = 8;
        int repeat = 3;
        boolean resident = false;
        boolean tiny = false;
        ComputeDtype dtype = ComputeDtype.FLOAT32;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--layers" -> layers = Integer.parseInt(args[++i]);
                case "--repeat" -> repeat = Integer.parseInt(args[++i]);
                case "--dtype" -> dtype = ComputeDtype.parse(args[++i]);
                case "--resident" -> resident = true;
                case "--tiny" -> tiny = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; expected --layers N, --repeat N, --dtype fp32|bf16, --resident, --tiny");
            }
        }
        LlamaConfig llama = tiny
                ? new LlamaConfig(1000, 64, 128, layers, 4, 2, 16, 1e-5f, 500000.0, null, false, false, 8192)
                : new LlamaConfig(128320, 4096, 14336, layers, 32, 8, 128, 1e-5f, 500000.0, null, false, false, 8192);
        ClipConfig clip = tiny
                ? new ClipConfig(1000, 64, 128, 2, 4, 77, ClipConfig.HiddenAct.QUICK_GELU, 1e-5f, 2)
                : new ClipConfig(49408, 768, 3072, 12, 12, 77, ClipConfig.HiddenAct.QUICK_GELU, 1e-5f, 2);
        int tokens = PromptTemplate.HUNYUAN_VIDEO_CROP_START + HunyuanPromptEncoder.MAX_SEQUENCE_LENGTH;
        System.out.printf(Locale.ROOT, "Llama: %d layers (%d run) of width %d, %d tokens, %s, %s%n", layers,
                layers - HunyuanPromptEncoder.NUM_HIDDEN_LAYERS_TO_SKIP, llama.hiddenSize(), tokens, dtype,
                resident ? "resident" : "streamed per layer");
        try (NDManager weights = NDManager.newBaseManager(); NDManager m = NDManager.newBaseManager()) {
            StateDict w = StateDict.load(new RandomWeights(llamaShapes(llama), 0), weights, LoadMode.LAZY,
                    dtype.loader(), "random text_encoder/");
            LlamaTextEncoder encoder = new LlamaTextEncoder(w, llama, new ChunkedAttention(), !resident);
            w.requireAllConsumed();
            NDArray ids = m.randomInteger(0, llama.vocabSize(), new Shape(1, tokens), DataType.INT64);
            NDArray mask = m.ones(new Shape(1, tokens), DataType.INT64);
            for (int r = 0; r <= repeat; r++) {
                long t0 = System.nanoTime();
                try (NDManager call = m.newSubManager()) {
                    NDArray h = encoder.hiddenState(ids, mask, HunyuanPromptEncoder.NUM_HIDDEN_LAYERS_TO_SKIP);
                    h.attach(call);
                    h.sum().getFloat();
                }
                System.out.printf(Locale.ROOT, "llama %s: %.3f s, peak RSS %d MiB%n", r == 0 ? "warm-up" : "run " + r,
                        (System.nanoTime() - t0) / 1e9, peakRssMiB());
            }
            StateDict w2 = StateDict.load(new RandomWeights(clipShapes(clip), 1), weights, LoadMode.EAGER,
                    dtype.loader(), "random text_encoder_2/");
            ClipTextEncoder clipEncoder = new ClipTextEncoder(w2, clip, new ChunkedAttention());
            w2.requireAllConsumed();
            NDArray clipIds = m.randomInteger(0, clip.vocabSize(), new Shape(1, 77), DataType.INT64);
            for (int r = 0; r <= repeat; r++) {
                long t0 = System.nanoTime();
                try (NDManager call = m.newSubManager()) {
                    NDArray pooled = clipEncoder.forward(clipIds, false).poolerOutput();
                    pooled.attach(call);
                    pooled.sum().getFloat();
                }
                System.out.printf(Locale.ROOT, "clip %s: %.3f s, peak RSS %d MiB%n", r == 0 ? "warm-up" : "run " + r,
                        (System.nanoTime() - t0) / 1e9, peakRssMiB());
            }
        }
    }

    static Map<String, Shape> llamaShapes(LlamaConfig c) {
        Map<String, Shape> s = new LinkedHashMap<>();
        long h = c.hiddenSize();
        long q = (long) c.numAttentionHeads() * c.headDim();
        long kv = (long) c.numKeyValueHeads() * c.headDim();
        s.put("embed_tokens.weight", new Shape(c.vocabSize(), h));
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String p = "layers." + i + ".";
            s.put(p + "input_layernorm.weight", new Shape(h));
            s.put(p + "self_attn.q_proj.weight", new Shape(q, h));
            s.put(p + "self_attn.k_proj.weight", new Shape(kv, h));
            s.put(p + "self_attn.v_proj.weight", new Shape(kv, h));
            s.put(p + "self_attn.o_proj.weight", new Shape(h, q));
            s.put(p + "post_attention_layernorm.weight", new Shape(h));
            s.put(p + "mlp.gate_proj.weight", new Shape(c.intermediateSize(), h));
            s.put(p + "mlp.up_proj.weight", new Shape(c.intermediateSize(), h));
            s.put(p + "mlp.down_proj.weight", new Shape(h, c.intermediateSize()));
        }
        s.put("norm.weight", new Shape(h));
        return s;
    }

    static Map<String, Shape> clipShapes(ClipConfig c) {
        Map<String, Shape> s = new LinkedHashMap<>();
        long d = c.hiddenSize();
        long ff = c.intermediateSize();
        s.put("text_model.embeddings.token_embedding.weight", new Shape(c.vocabSize(), d));
        s.put("text_model.embeddings.position_embedding.weight", new Shape(c.maxPositionEmbeddings(), d));
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String p = "text_model.encoder.layers." + i + ".";
            for (String n : new String[] {"q_proj", "k_proj", "v_proj", "out_proj"}) {
                s.put(p + "self_attn." + n + ".weight", new Shape(d, d));
                s.put(p + "self_attn." + n + ".bias", new Shape(d));
            }
            for (String n : new String[] {"layer_norm1", "layer_norm2"}) {
                s.put(p + n + ".weight", new Shape(d));
                s.put(p + n + ".bias", new Shape(d));
            }
            s.put(p + "mlp.fc1.weight", new Shape(ff, d));
            s.put(p + "mlp.fc1.bias", new Shape(ff));
            s.put(p + "mlp.fc2.weight", new Shape(d, ff));
            s.put(p + "mlp.fc2.bias", new Shape(d));
        }
        s.put("text_model.final_layer_norm.weight", new Shape(d));
        s.put("text_model.final_layer_norm.bias", new Shape(d));
        return s;
    }

    /** VmHWM of /proc/self/status, or -1 where unavailable. */
    static long peakRssMiB() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return -1;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        return -1;
    }
}
