package io.hunyuan4j.core.lora;

import io.hunyuan4j.core.HunyuanException;
import java.nio.file.Path;
import java.util.List;

/**
 * A LoRA file that does not fit the model: keys of no known layout, modules the transformer does not have, or
 * ranks and widths that do not match. Every offending key is listed, so one run shows everything to fix.
 */
public final class LoraException extends HunyuanException {

    private static final long serialVersionUID = 1L;

    /** What was wrong with the adapter. */
    public enum Kind {
        /** Keys that are not LoRA tensors of any supported layout. */
        UNKNOWN_KEYS,
        /** LoRA modules that name no linear layer of this transformer (e.g. an adapter for another model). */
        UNMATCHED_MODULES,
        /** lora_A/lora_B shapes that disagree with each other or with the layer. */
        SHAPE_MISMATCH,
        /** A module with lora_A but no lora_B, or the reverse. */
        INCOMPLETE
    }

    private final transient Path file;
    private final Kind kind;
    private final List<String> keys;

    LoraException(Path file, Kind kind, List<String> keys, String detail) {
        super(file + ": " + describe(kind) + " (" + keys.size() + "): " + preview(keys) + detail);
        this.file = file;
        this.kind = kind;
        this.keys = List.copyOf(keys);
    }

    /** The adapter file. */
    public Path file() {
        return file;
    }

    /** What was wrong. */
    public Kind kind() {
        return kind;
    }

    /** Every offending key (or module, for {@link Kind#UNMATCHED_MODULES}), as written in the file. */
    public List<String> keys() {
        return keys;
    }

    private static String describe(Kind kind) {
        return switch (kind) {
            case UNKNOWN_KEYS -> "keys that are not HunyuanVideo LoRA tensors (diffusers/PEFT lora_A/lora_B, original"
                    + " layout, or kohya lora_unet_*.lora_down/lora_up/alpha)";
            case UNMATCHED_MODULES -> "LoRA modules with no matching linear layer in this HunyuanVideo transformer";
            case SHAPE_MISMATCH -> "LoRA tensors whose shapes do not fit";
            case INCOMPLETE -> "LoRA modules missing lora_A or lora_B";
        };
    }

    static String preview(List<String> keys) {
        int n = Math.min(keys.size(), 20);
        return String.join(", ", keys.subList(0, n)) + (keys.size() > n ? ", ... " : "");
    }
}
