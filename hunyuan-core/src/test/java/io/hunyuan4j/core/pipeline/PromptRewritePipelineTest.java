package io.hunyuan4j.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.hunyuan4j.core.HunyuanException;
import io.hunyuan4j.core.api.PromptEmbeds;
import io.hunyuan4j.core.api.PromptEncoder;
import io.hunyuan4j.core.pipeline.PromptRewriteException.Reason;
import io.hunyuan4j.core.pipeline.PromptRewriter.Mode;
import io.hunyuan4j.core.pipeline.ToyComponents.ToyDecoder;
import io.hunyuan4j.core.pipeline.ToyComponents.ToyDenoiser;
import io.hunyuan4j.core.pipeline.ToyComponents.ToyEncoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The pipeline's rewrite stage with in-process rewriters: what is rewritten, encoded and recorded. */
class PromptRewritePipelineTest {

    private static final GenerationRequest SMALL = GenerationRequest.of("a red fox").withSize(32, 48).withFrames(1)
            .withSteps(2).withSeed(7);

    /** A {@link ToyEncoder} over a batch of prompts, recording what it was given. */
    private static final class RecordingEncoder implements PromptEncoder {
        final List<List<String>> calls = new ArrayList<>();
        private final ToyEncoder toy = new ToyEncoder();

        @Override
        public PromptEmbeds encode(List<String> prompts, NDManager manager) {
            calls.add(List.copyOf(prompts));
            List<PromptEmbeds> each = prompts.stream().map(p -> toy.encode(List.of(p), manager)).toList();
            return new PromptEmbeds(cat(each.stream().map(PromptEmbeds::promptEmbeds).toList()),
                    cat(each.stream().map(PromptEmbeds::attentionMask).toList()),
                    cat(each.stream().map(PromptEmbeds::pooled).toList()), prompts.stream().map(p -> 0).toList());
        }

        private static NDArray cat(List<NDArray> arrays) {
            return NDArrays.concat(new NDList(arrays), 0);
        }

        @Override
        public void close() {
            toy.close();
        }
    }

    /** Upper-cases prompts and records them. */
    private static final class Shouting implements PromptRewriter {
        final List<String> seen = new ArrayList<>();

        @Override
        public synchronized RewrittenPrompt rewrite(String prompt, Mode mode) {
            seen.add(prompt + "/" + mode);
            return RewrittenPrompt.of(mode, prompt, prompt.toUpperCase(Locale.ROOT) + " (" + mode + ")");
        }
    }

    private final ToyDenoiser dit = new ToyDenoiser(1f);
    private final RecordingEncoder text = new RecordingEncoder();

    private VideoPipeline pipeline(PromptRewriter rewriter) {
        return VideoPipeline.builder(dit, text, new ToyDecoder()).promptRewriter(rewriter).build();
    }

    @Test
    void eachPromptIsRewrittenOnceAndEncodedButNegativePromptsAreNot() {
        Shouting rewriter = new Shouting();
        GenerationRequest r = SMALL.withPrompts(List.of("a red fox", "a grey wolf")).withVideosPerPrompt(2)
                .withNegativePrompt("blurry").withTrueCfgScale(2f).withRewrite(Mode.MASTER);
        try (VideoPipeline pipe = pipeline(rewriter)) {
            List<Video> videos = pipe.generateBatch(r);

            assertEquals(List.of("a red fox/MASTER", "a grey wolf/MASTER"), rewriter.seen);
            assertEquals(List.of(List.of("A RED FOX (MASTER)", "A GREY WOLF (MASTER)"), List.of("blurry")), text.calls);
            assertEquals(4, videos.size());
            for (int i = 0; i < 4; i++) {
                Provenance p = videos.get(i).provenance();
                String original = i < 2 ? "a red fox" : "a grey wolf";
                assertSame(r, p.request(), "the request as given, with the original prompts");
                assertEquals(RewrittenPrompt.of(Mode.MASTER, original, original.toUpperCase(Locale.ROOT) + " (MASTER)"),
                        p.rewrite(), "item " + i);
                assertEquals(List.of("rewritePrompt", "encodePrompt", "prepareLatents", "denoise", "decode",
                        "postprocess"), List.copyOf(p.timings().keySet()));
                assertTrue(p.describe().contains("rewrite=MASTER '" + original.toUpperCase(Locale.ROOT)),
                        p.describe());
            }
        }
    }

    @Test
    void theRewrittenPromptDecidesTheVideo() {
        // the toy DiT lands on a value set by the encoded prompt: rewriting to B gives B's video
        PromptRewriter toWolf = (p, m) -> RewrittenPrompt.of(m, p, "a grey wolf");
        try (VideoPipeline pipe = pipeline(toWolf)) {
            Video rewritten = pipe.generate(SMALL.withRewrite(Mode.NORMAL));
            Video wolf = pipe.generate(SMALL.withPrompt("a grey wolf"));
            Video fox = pipe.generate(SMALL);

            assertEquals(wolf.frame(0)[0], rewritten.frame(0)[0], 0f);
            assertTrue(Math.abs(fox.frame(0)[0] - rewritten.frame(0)[0]) > 1e-3f);
        }
    }

    @Test
    void withoutARewriteTheRewriterIsNotCalled() {
        Shouting rewriter = new Shouting();
        try (VideoPipeline pipe = pipeline(rewriter)) {
            Provenance p = pipe.generate(SMALL).provenance();

            assertTrue(rewriter.seen.isEmpty());
            assertNull(p.rewrite());
            assertFalse(p.timings().containsKey("rewritePrompt"));
            assertEquals(List.of(List.of("a red fox")), text.calls);
        }
    }

    @Test
    void aFallbackIsRecordedAndTheOriginalEncoded() {
        PromptRewriter down = (p, m) -> RewrittenPrompt.fallback(m, p, "endpoint down");
        try (VideoPipeline pipe = pipeline(down)) {
            Provenance p = pipe.generate(SMALL.withRewrite(Mode.NORMAL)).provenance();

            assertTrue(p.rewrite().fellBack());
            assertEquals("a red fox", p.rewrite().rewritten());
            assertEquals(List.of(List.of("a red fox")), text.calls);
            assertTrue(p.describe().contains("fell back to the original: endpoint down"), p.describe());
        }
    }

    @Test
    void aFailedRewriteFailsTheCallTypedBeforeAnyModelWorkAndThePipelineStaysUsable() {
        PromptRewriteException failure = new PromptRewriteException(Reason.TIMEOUT, "no reply within 1 ms", 1, 0);
        boolean[] fail = {true};
        PromptRewriter flaky = (p, m) -> {
            if (fail[0]) {
                throw failure;
            }
            return RewrittenPrompt.of(m, p, p);
        };
        try (VideoPipeline pipe = pipeline(flaky)) {
            assertSame(failure, assertThrows(PromptRewriteException.class,
                    () -> pipe.generate(SMALL.withRewrite(Mode.MASTER))));
            assertTrue(text.calls.isEmpty());
            assertEquals(0, dit.forwards.get());

            fail[0] = false;
            assertEquals(1, pipe.generate(SMALL.withRewrite(Mode.MASTER)).frameCount(), "the lock was not kept");
        }
    }

    @Test
    void aRewriterThatBreaksItsContractIsNamed() {
        PromptRewriter wrong = (p, m) -> RewrittenPrompt.of(m, "another prompt", "x");
        PromptRewriter crashing = (p, m) -> {
            throw new UnsupportedOperationException("bug");
        };
        try (VideoPipeline pipe = pipeline(wrong)) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> pipe.generate(SMALL.withRewrite(Mode.NORMAL)));
            assertTrue(e.getMessage().contains("rewrite of the prompt it was given"), e.getMessage());
        }
        try (VideoPipeline pipe = pipeline(crashing)) {
            HunyuanException e = assertThrows(HunyuanException.class,
                    () -> pipe.generate(SMALL.withRewrite(Mode.NORMAL)));
            assertTrue(e.getMessage().startsWith("rewritePrompt failed"), e.getMessage());
        }
    }

    @Test
    void anInterruptWhileRewritingCancelsTheCall() {
        PromptRewriter interrupted = (p, m) -> {
            Thread.currentThread().interrupt();
            throw new PromptRewriteException(Reason.INTERRUPTED, "interrupted", 1, 0);
        };
        try (VideoPipeline pipe = pipeline(interrupted)) {
            GenerationCancelledException e = assertThrows(GenerationCancelledException.class,
                    () -> pipe.generate(SMALL.withRewrite(Mode.NORMAL)));
            assertTrue(e.getCause() instanceof PromptRewriteException);
        } finally {
            assertTrue(Thread.interrupted(), "the flag is kept for the caller");
        }
    }

    @Test
    void aRewriteNeedsARewriterAndTextPrompts() {
        try (VideoPipeline pipe = VideoPipeline.builder(dit, text, new ToyDecoder()).build()) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> pipe.generate(SMALL.withRewrite(Mode.MASTER)));
            assertTrue(e.getMessage().contains("promptRewriter"), e.getMessage());
            assertTrue(text.calls.isEmpty());
        }
        try (NDManager m = NDManager.newBaseManager()) {
            PromptEmbeds embeds = new PromptEmbeds(m.zeros(new ai.djl.ndarray.types.Shape(1, 4, 8)),
                    m.ones(new ai.djl.ndarray.types.Shape(1, 4)), m.zeros(new ai.djl.ndarray.types.Shape(1, 6)),
                    List.of(0));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> GenerationRequest.ofEmbeds(embeds).withRewrite(Mode.NORMAL));
            assertTrue(e.getMessage().contains("no text to rewrite"), e.getMessage());
            assertEquals(Mode.NONE, GenerationRequest.ofEmbeds(embeds).withRewrite(Mode.NONE).rewrite());
        }
    }

    @Test
    void theRequestKeepsItsRewriteThroughCopies() {
        GenerationRequest r = GenerationRequest.of("a fox");
        assertEquals(Mode.NONE, r.rewrite());
        assertFalse(r.toString().contains("rewrite"));
        GenerationRequest m = r.withRewrite(Mode.MASTER).withSeed(3).withSize(64, 64).withPrompts(List.of("a", "b"))
                .withNegativePrompt("x").withSteps(3);
        assertEquals(Mode.MASTER, m.rewrite());
        assertTrue(m.toString().endsWith(", rewrite=MASTER]"), m.toString());
        assertThrows(IllegalArgumentException.class, () -> r.withRewrite(null));
    }
}
