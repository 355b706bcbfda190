package io.hunyuan4j.core.pipeline;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prompt-rewrite stage of one call: each of the request's prompts rewritten once, in order, by the
 * pipeline's {@link PromptRewriter}; negative prompts are encoded as given (see {@link PromptRewriter}).
 *
 * @param prompts one rewrite per prompt of the request, or empty when the request asks for none
 */
record PromptRewrites(List<RewrittenPrompt> prompts) {

    private static final Logger LOG = LoggerFactory.getLogger(PromptRewrites.class);

    PromptRewrites {
        prompts = List.copyOf(prompts);
    }

    /**
     * Rewrites the request's prompts as its {@link GenerationRequest#rewrite()} asks, timed as stage
     * {@code rewritePrompt}.
     *
     * @throws IllegalStateException if a rewrite is asked for and the pipeline has no rewriter
     * @throws PromptRewriteException if the rewriter failed
     * @throws GenerationCancelledException if the thread was interrupted while rewriting
     */
    static PromptRewrites run(GenerationRequest r, @Nullable PromptRewriter rewriter, StageTimer stages) {
        if (r.rewrite() == PromptRewriter.Mode.NONE) {
            return new PromptRewrites(List.of());
        }
        if (rewriter == null) {
            throw new IllegalStateException("the request asks for rewrite " + r.rewrite() + " but this pipeline"
                    + " has no prompt rewriter; build it with promptRewriter(...) (docs/prompt-rewrite.md)");
        }
        try {
            return stages.run("rewritePrompt", () -> {
                List<RewrittenPrompt> out = new ArrayList<>(r.prompts().size());
                for (String prompt : r.prompts()) {
                    RewrittenPrompt rp = rewriter.rewrite(prompt, r.rewrite());
                    if (rp == null || !rp.original().equals(prompt)) {
                        throw new IllegalStateException("prompt rewriter " + rewriter + " returned " + rp
                                + " for '" + prompt + "'; it must return a rewrite of the prompt it was given");
                    }
                    // prompts are user data: their text is logged at DEBUG only
                    LOG.debug("prompt rewritten ({}){}: '{}' -> '{}'", rp.mode(), rp.fellBack() ? " (fell back)" : "",
                            prompt, rp.rewritten());
                    out.add(rp);
                }
                LOG.info("rewrote {} prompt(s) ({}), {} fell back to the original", out.size(), r.rewrite(),
                        out.stream().filter(RewrittenPrompt::fellBack).count());
                return new PromptRewrites(out);
            });
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                // the pipeline's contract: an interrupted call ends as cancelled, whatever the stage
                GenerationCancelledException c = new GenerationCancelledException(
                        "thread interrupted while rewriting prompts", 0);
                c.initCause(e);
                throw c;
            }
            throw e;
        }
    }

    /** The request the encoder sees: the rewritten prompts in place of the originals. */
    GenerationRequest applyTo(GenerationRequest r) {
        return prompts.isEmpty() ? r : r.withPrompts(prompts.stream().map(RewrittenPrompt::rewritten).toList());
    }

    /** The rewrite of batch item {@code i}'s prompt (items are prompt-major), or null without rewriting. */
    @Nullable RewrittenPrompt forItem(int i, int videosPerPrompt) {
        return prompts.isEmpty() ? null : prompts.get(i / videosPerPrompt);
    }
}
