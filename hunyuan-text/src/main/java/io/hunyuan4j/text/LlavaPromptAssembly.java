package io.hunyuan4j.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.hunyuan4j.core.ops.HostArrays;

/**
 * The index work of diffusers' {@code HunyuanVideoImageToVideoPipeline._get_llama_prompt_embeds} around the LLaVA
 * forward pass: {@code _expand_input_ids_with_image_tokens} (each {@code <image>} token becomes
 * {@code image_emb_len} positions), then the crops (the template before the user prompt, the four
 * {@code <|eot_id|><|start_header_id|>assistant<|end_header_id|>} tokens) and the {@code image_embed_interleave}
 * subsampling, giving {@code cat([image_embeds, text_embeds], dim=1)} and its mask.
 *
 * @param cropStart {@code crop_start}: template tokens before the user prompt (103 for the I2V template)
 * @param imageEmbStart {@code image_emb_start} (5)
 * @param imageEmbEnd {@code image_emb_end} (581)
 * @param imageEmbLen {@code image_emb_len} (576: 24 x 24 patches)
 * @param endHeaderTokenId the id of {@code <|end_header_id|>}
 * @see <a href="https://github.com/huggingface/diffusers/blob/58eb52c0803ea9af3abec60841c2a093bdf1f951/src/diffusers/pipelines/hunyuan_video/pipeline_hunyuan_video_image2video.py">diffusers _get_llama_prompt_embeds</a>
 */
public record LlavaPromptAssembly(int cropStart, int imageEmbStart, int imageEmbEnd, int imageEmbLen,
        long endHeaderTokenId) {

    /** The assistant header diffusers crops: {@code <|eot_id|>}, {@code <|start_header_id|>}, assistant, end. */
    static final int ASSISTANT_TOKENS = 4;

    /** Checks the template numbers. */
    public LlavaPromptAssembly {
        if (cropStart < 1 || imageEmbStart < 0 || imageEmbLen < 1 || imageEmbEnd != imageEmbStart + imageEmbLen) {
            throw new IllegalArgumentException("prompt template: crop_start " + cropStart + ", image_emb_start "
                    + imageEmbStart + ", image_emb_end " + imageEmbEnd + ", image_emb_len " + imageEmbLen
                    + ": need crop_start >= 1 and image_emb_end = image_emb_start + image_emb_len");
        }
    }

    /**
     * {@code _expand_input_ids_with_image_tokens}.
     *
     * @param inputIds [B][L] the tokenizer's ids (template + prompt, padded to {@code L})
     * @param imageTokenIndex the {@code <image>} id
     * @param padTokenId the pad id
     * @return ids, attention mask and position ids [B][L + n * (image_emb_len - 1)], n the most image tokens in a row
     */
    public Expanded expand(long[][] inputIds, long imageTokenIndex, long padTokenId) {
        int b = inputIds.length;
        int l = inputIds[0].length;
        int maxSpecial = 0;
        for (long[] row : inputIds) {
            int n = 0;
            for (long id : row) {
                n += id == imageTokenIndex ? 1 : 0;
            }
            maxSpecial = Math.max(maxSpecial, n);
        }
        int expandedLength = l + maxSpecial * (imageEmbLen - 1);
        long[][] ids = new long[b][expandedLength];
        long[][] mask = new long[b][expandedLength];
        long[][] positions = new long[b][expandedLength];
        for (int i = 0; i < b; i++) {
            java.util.Arrays.fill(ids[i], padTokenId);
            // new_token_positions = cumsum(special * (len - 1) + 1) - 1
            long pos = -1;
            for (int j = 0; j < l; j++) {
                boolean special = inputIds[i][j] == imageTokenIndex;
                pos += special ? imageEmbLen : 1;
                if (!special) {
                    ids[i][(int) pos] = inputIds[i][j];
                }
            }
            for (int j = imageEmbStart; j < imageEmbEnd; j++) {
                ids[i][j] = imageTokenIndex;
            }
            long valid = 0;
            for (int j = 0; j < expandedLength; j++) {
                mask[i][j] = ids[i][j] != padTokenId ? 1 : 0;
                valid += mask[i][j];
                // (mask.cumsum(-1) - 1).masked_fill_(mask == 0, 1)
                positions[i][j] = mask[i][j] == 1 ? valid - 1 : 1;
            }
        }
        return new Expanded(ids, mask, positions);
    }

    /**
     * The LLaVA inputs with {@code <image>} expanded.
     *
     * @param inputIds [B][L']
     * @param attentionMask [B][L'] 1 where the id is not padding
     * @param positionIds [B][L'] {@code cumsum(mask) - 1}, 1 at padding
     */
    public record Expanded(long[][] inputIds, long[][] attentionMask, long[][] positionIds) { }

    /**
     * The crops and the interleave: {@code cat([image_embeds[:, ::k], text_embeds], 1)} and its mask.
     *
     * @param hiddenState the LLaVA hidden state [B, L', D] over the expanded ids
     * @param inputIds [B][L] the tokenizer's ids (not expanded): they locate the assistant header
     * @param attentionMask [B][L] the tokenizer's mask
     * @param imageEmbedInterleave k; values outside (0, 6) keep every image token, as diffusers
     * @return the prompt embeddings [B, n_image + L - crop_start - 4, D] and mask [B, same]
     */
    public Assembled assemble(NDArray hiddenState, long[][] inputIds, long[][] attentionMask,
            int imageEmbedInterleave) {
        int b = inputIds.length;
        int l = inputIds[0].length;
        int textCropStart = cropStart - 1 + imageEmbLen;
        NDManager manager = hiddenState.getManager();
        NDList embeds = new NDList();
        long[] masks = null;
        int width = -1;
        for (int i = 0; i < b; i++) {
            int lastEndHeader = -1;
            int count = 0;
            for (int j = 0; j < l; j++) {
                if (inputIds[i][j] == endHeaderTokenId) {
                    lastEndHeader = j;
                    count++;
                }
            }
            if (count < 3) {
                // diffusers: a prompt truncated before the assistant header (only 2 found in a batch of one)
                if (b == 1 && count == 2) {
                    lastEndHeader = l - 1;
                } else {
                    throw new IllegalArgumentException("input_ids row " + i + " holds " + count
                            + " <|end_header_id|> tokens; the I2V template has 3 (system, user, assistant)");
                }
            }
            int assistantStart = lastEndHeader + 1;
            int assistantCropStart = assistantStart - 1 + imageEmbLen - ASSISTANT_TOKENS;
            int assistantCropEnd = assistantStart - 1 + imageEmbLen;
            // image tokens, every k-th
            int step = imageEmbedInterleave > 0 && imageEmbedInterleave < 6 ? imageEmbedInterleave : 1;
            NDArray image = hiddenState.get(new NDIndex("{}, {}:{}:{}", i, imageEmbStart, imageEmbEnd, step));
            NDArray text = NDArrays.concat(new NDList(
                    hiddenState.get(new NDIndex("{}, {}:{}", i, textCropStart, assistantCropStart)),
                    hiddenState.get(new NDIndex("{}, {}:", i, assistantCropEnd))), 0);
            embeds.add(NDArrays.concat(new NDList(image, text), 0));
            int n = (int) image.getShape().get(0);
            int textLength = (assistantStart - ASSISTANT_TOKENS - cropStart) + (l - assistantStart);
            if (masks == null) {
                width = n + textLength;
                masks = new long[b * width];
            } else if (n + textLength != width) {
                throw new IllegalArgumentException("input_ids rows give prompt lengths " + width + " and "
                        + (n + textLength) + "; rows must be padded to one length");
            }
            int o = i * width;
            for (int j = 0; j < n; j++) {
                masks[o++] = 1;
            }
            for (int j = cropStart; j < assistantStart - ASSISTANT_TOKENS; j++) {
                masks[o++] = attentionMask[i][j];
            }
            for (int j = assistantStart; j < l; j++) {
                masks[o++] = attentionMask[i][j];
            }
        }
        NDArray promptEmbeds = NDArrays.stack(embeds, 0);
        promptEmbeds.attach(manager);
        return new Assembled(promptEmbeds, HostArrays.longs(manager, java.util.Objects.requireNonNull(masks),
                new Shape(b, width)));
    }

    /**
     * What {@code _get_llama_prompt_embeds} returns.
     *
     * @param promptEmbeds [B, L'', D]
     * @param attentionMask INT64 [B, L'']
     */
    public record Assembled(NDArray promptEmbeds, NDArray attentionMask) { }
}
