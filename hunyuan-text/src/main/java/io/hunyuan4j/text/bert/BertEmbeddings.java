package io.hunyuan4j.text.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.nn.LayerNorm;
import io.hunyuan4j.core.ops.F;
import io.hunyuan4j.core.weights.Parameter;
import io.hunyuan4j.core.weights.StateDict;
import java.util.List;

/**
 * {@code LayerNorm(word_embeddings[ids] + token_type_embeddings[0] + position_embeddings[arange(L)])}: the
 * position ids are {@code 0..L-1} whatever the mask, and token type 0 is added everywhere (the pipeline passes
 * no {@code token_type_ids}).
 *
 * @see <a href="https://github.com/huggingface/transformers/blob/v4.47.0/src/transformers/models/bert/modeling_bert.py">transformers BertEmbeddings</a>
 */
public final class BertEmbeddings {

    private final Parameter wordEmbeddings;
    private final Parameter positionEmbeddings;
    private final Parameter tokenTypeEmbeddings;
    private final LayerNorm layerNorm;

    /** Binds {@code word_embeddings}, {@code position_embeddings}, {@code token_type_embeddings}, {@code LayerNorm}. */
    public BertEmbeddings(StateDict w, BertConfig c) {
        this.wordEmbeddings = w.take("word_embeddings.weight", c.vocabSize(), c.hiddenSize());
        this.positionEmbeddings = w.take("position_embeddings.weight", c.maxPositionEmbeddings(), c.hiddenSize());
        this.tokenTypeEmbeddings = w.take("token_type_embeddings.weight", c.typeVocabSize(), c.hiddenSize());
        this.layerNorm = LayerNorm.affine(w.child("LayerNorm"), c.hiddenSize(), c.layerNormEps());
    }

    /**
     * @param inputIds INT64 [B, L]
     * @return [B, L, hidden], in {@code inputIds}' manager
     */
    public NDArray forward(NDArray inputIds) {
        long l = inputIds.getShape().get(1);
        NDManager m = inputIds.getManager();
        try (NDManager scope = m.newSubManager()) {
            NDArray positionIds = scope.arange(0L, l, 1L, DataType.INT64);
            NDArray tokenTypeIds = scope.zeros(new Shape(1), DataType.INT64);
            NDArray embeddings = F.embedding(inputIds, wordEmbeddings.array());
            embeddings.attach(scope);
            // [B, L, C] + [1, C] + [L, C]
            embeddings = embeddings.add(F.embedding(tokenTypeIds, tokenTypeEmbeddings.array()));
            embeddings = embeddings.add(F.embedding(positionIds, positionEmbeddings.array()));
            NDArray out = layerNorm.forward(embeddings);
            out.attach(m);
            return out;
        }
    }

    /** Every bound weight but the norm's (for streaming). */
    List<Parameter> tables() {
        return List.of(wordEmbeddings, positionEmbeddings, tokenTypeEmbeddings);
    }
}
