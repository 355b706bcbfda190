package io.hunyuan4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hunyuan4j.core.offload.MemoryPlanner;
import io.hunyuan4j.core.transformer.TokenChunks;
import io.hunyuan4j.text.HunyuanPromptEncoder;
import io.hunyuan4j.text.PromptTemplate;
import io.hunyuan4j.vae.VaeTiling;
import org.junit.jupiter.api.Test;

/**
 * The memory planner (core, package {@code offload}) cannot import hunyuan-text or hunyuan-vae, so it holds copies
 * of their constants; this module sees both sides and ties each copy to its source.
 */
class PlannerConstantsTest {

    @Test
    void textTokenCountsAreTheEncoders() {
        assertEquals(PromptTemplate.HUNYUAN_VIDEO_CROP_START, MemoryPlanner.TEMPLATE_TOKENS, "TEMPLATE_TOKENS");
        assertEquals(HunyuanPromptEncoder.MAX_SEQUENCE_LENGTH, MemoryPlanner.TEXT_TOKENS, "TEXT_TOKENS");
        assertEquals(HunyuanPromptEncoder.CLIP_MAX_SEQUENCE_LENGTH, MemoryPlanner.CLIP_TOKENS, "CLIP_TOKENS");
    }

    @Test
    void vaeTileIsTheDefaultTiling() {
        VaeTiling t = VaeTiling.defaults();
        assertEquals(t.tileSampleMinHeight(), MemoryPlanner.VAE_TILE, "VAE_TILE (height)");
        assertEquals(t.tileSampleMinWidth(), MemoryPlanner.VAE_TILE, "VAE_TILE (width)");
        assertEquals(t.tileSampleMinNumFrames(), MemoryPlanner.VAE_TILE_FRAMES, "VAE_TILE_FRAMES");
    }

    @Test
    void feedForwardChunkIsTheTransformers() {
        assertEquals(TokenChunks.CHUNK, MemoryPlanner.FF_CHUNK_TOKENS, "FF_CHUNK_TOKENS");
    }
}
