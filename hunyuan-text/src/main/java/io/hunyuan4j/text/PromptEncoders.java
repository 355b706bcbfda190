package io.hunyuan4j.text;

import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.core.ops.ComputeDtype;
import io.hunyuan4j.core.weights.LoadMode;
import io.hunyuan4j.core.weights.TensorSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every prompt encoder of the SDK checks and releases the same way (HunyuanVideo, CogVideoX, HunyuanDiT). */
public final class PromptEncoders {

    private static final Logger LOG = LoggerFactory.getLogger(PromptEncoders.class);

    private PromptEncoders() {}

    /**
     * Requires at least one prompt and no null (an empty prompt is allowed).
     *
     * @throws IllegalArgumentException naming the rule and the index
     */
    public static void requirePrompts(List<String> prompts) {
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("prompts must hold at least one prompt but is empty");
        }
        for (int i = 0; i < prompts.size(); i++) {
            if (prompts.get(i) == null) {
                throw new IllegalArgumentException("prompts[" + i + "] is null; use \"\" for an empty prompt");
            }
        }
    }

    /**
     * Refuses an {@link LoadMode#EAGER} load of more than {@link HunyuanPromptEncoder#EAGER_LIMIT_BYTES} of
     * resident weights (4 bytes per element in float32, 2 in bf16), before any is read.
     *
     * @param where the component folder, for the message
     * @throws IllegalArgumentException naming the size, the limit and {@link LoadMode#LAZY}
     */
    public static void requireEagerFits(TensorSource source, ComponentOptions options, String where) {
        if (options.loadMode() != LoadMode.EAGER) {
            return;
        }
        long perElement = options.computeDtype() == ComputeDtype.BF16 ? 2 : 4;
        long bytes = source.names().stream().mapToLong(n -> source.info(n).shape().size() * perElement).sum();
        if (bytes > HunyuanPromptEncoder.EAGER_LIMIT_BYTES) {
            throw new IllegalArgumentException("loadMode EAGER would hold " + (bytes >> 20) + " MiB of " + where
                    + " weights (limit " + (HunyuanPromptEncoder.EAGER_LIMIT_BYTES >> 20) + " MiB); use"
                    + " LoadMode.LAZY, which streams the encoder layer by layer");
        }
    }

    /**
     * Closes {@code resources} in reverse order; a failure is added to {@code pending} as suppressed, or logged.
     */
    public static void closeAll(List<AutoCloseable> resources, @Nullable RuntimeException pending) {
        List<AutoCloseable> reversed = new ArrayList<>(resources);
        Collections.reverse(reversed);
        for (AutoCloseable r : reversed) {
            try {
                r.close();
            } catch (Exception e) {
                if (pending != null) {
                    pending.addSuppressed(e);
                } else {
                    LOG.warn("closing {} failed: {}", r, e.toString());
                }
            }
        }
    }
}
