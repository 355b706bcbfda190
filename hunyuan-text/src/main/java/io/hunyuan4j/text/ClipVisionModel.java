package io.hunyuan4j.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.hunyuan4j.core.ops.AttentionBackend;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.Parameter;
import io.hunyuan4j.core.weights.StateDict;
import java.util.ArrayList;
import java.util.List;

/**
 * transformers {@code CLIPVisionModel}: patch embedding (a stride-{@code patch} convolution without bias), a
 * class token, learned positions, {@code pre_layrnorm}, then the encoder layers with full (unmasked) attention.
 * LLaVA reads a hidden state, not the pooled output, so {@code post_layernorm} is bound but not applied.
 *
 * @see <a href="https://github.com/huggingface/transformers/blob/v4.47.0/src/transformers/models/clip/modeling_clip.py">transformers CLIPVisionTransformer</a>
 */
public final class ClipVisionModel {

    private final ClipVisionConfig config;
    private final Parameter classEmbedding;
    private final Parameter patchEmbedding;
    private final Parameter positionEmbedding;
    private final Parameter preLayrnormWeight;
    private final Parameter preLayrnormBias;
    private final List<ClipEncoderLayer> layers;
    private final List<Parameter> postLayernorm;
    private final AttentionBackend attention;

    /** Binds {@code vision_model.{embeddings, pre_layrnorm, encoder.layers.<i>, post_layernorm}}. */
    public ClipVisionModel(StateDict w, ClipVisionConfig config, AttentionBackend attention) {
        this.config = config;
        StateDict vm = w.child("vision_model");
        long d = config.hiddenSize();
        this.classEmbedding = vm.take("embeddings.class_embedding", d);
        this.patchEmbedding = vm.take("embeddings.patch_embedding.weight", d, config.numChannels(),
                config.patchSize(), config.patchSize());
        this.positionEmbedding = vm.take("embeddings.position_embedding.weight", config.numPositions(), d);
        this.preLayrnormWeight = vm.take("pre_layrnorm.weight", d);
        this.preLayrnormBias = vm.take("pre_layrnorm.bias", d);
        List<ClipEncoderLayer> l = new ArrayList<>();
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            l.add(new ClipEncoderLayer(vm.child("encoder").child("layers", i), config.encoderConfig()));
        }
        this.layers = List.copyOf(l);
        this.postLayernorm = List.of(vm.take("post_layernorm.weight", d), vm.take("post_layernorm.bias", d));
        this.attention = attention;
    }

    /** The config. */
    public ClipVisionConfig config() {
        return config;
    }

    /**
     * {@code hidden_states[index]} of {@code output_hidden_states=True} (0: the pre-normed embeddings, i: the
     * output of layer i; negative counts from the end), running only the layers it needs.
     *
     * @param pixelValues [B, C, image_size, image_size] float32, CLIP-normalised
     * @param index in [-(layers + 1), layers]
     * @return [B, num_patches + 1, hidden] float32, in {@code pixelValues}' manager
     */
    public NDArray hiddenState(NDArray pixelValues, int index) {
        int n = config.numHiddenLayers();
        int last = index < 0 ? n + 1 + index : index;
        if (last < 0 || last > n) {
            throw new IllegalArgumentException("vision hidden state index must be in [" + (-(n + 1)) + ", " + n
                    + "] but is " + index);
        }
        long s = config.imageSize();
        var shape = pixelValues.getShape();
        if (shape.dimension() != 4 || shape.get(1) != config.numChannels() || shape.get(2) != s || shape.get(3) != s) {
            throw new IllegalArgumentException("pixel_values must be [B, " + config.numChannels() + ", " + s + ", " + s
                    + "] but is " + shape);
        }
        NDManager manager = pixelValues.getManager();
        try (NDManager call = manager.newSubManager()) {
            long b = shape.get(0);
            int p = config.patchSize();
            long side = s / p;
            long d = config.hiddenSize();
            // Conv2d(kernel = stride = patch) as a matmul over patches:
            // [B, C, S, S] -> [B, C, S/p, p, S/p, p] -> [B, S/p, S/p, C, p, p] -> [B, P, C*p*p]
            NDArray patches = pixelValues.reshape(b, config.numChannels(), side, p, side, p)
                    .transpose(0, 2, 4, 1, 3, 5).reshape(b, side * side, (long) config.numChannels() * p * p);
            patches.attach(call);
            NDArray w = patchEmbedding.array().reshape(d, (long) config.numChannels() * p * p);
            NDArray patchEmbeds = F.linear(F.castLike(patches, w), w, null);
            NDArray classEmbeds = classEmbedding.array().reshape(1, 1, d).repeat(0, b);
            classEmbeds.attach(call);
            // [B, 1 + P, D] + positions
            NDArray embeddings = NDArrays.concat(new NDList(F.castLike(classEmbeds, patchEmbeds), patchEmbeds), 1)
                    .add(positionEmbedding.array().expandDims(0));
            NDArray hiddenStates = F.layerNorm(embeddings, preLayrnormWeight.array(), preLayrnormBias.array(),
                    config.layerNormEps());
            NDArray allKeys = call.ones(new ai.djl.ndarray.types.Shape(1, 1, 1, config.numPositions()),
                    DataType.BOOLEAN);
            for (int i = 0; i < last; i++) {
                hiddenStates = layers.get(i).forward(hiddenStates, allKeys, attention);
            }
            NDArray out = F.toFloat32(hiddenStates);
            out.attach(manager);
            return out;
        }
    }

    /** Every bound weight. */
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>(List.of(classEmbedding, patchEmbedding, positionEmbedding,
                preLayrnormWeight, preLayrnormBias));
        layers.forEach(l -> all.addAll(l.parameters()));
        all.addAll(postLayernorm);
        return all;
    }
}
