package io.hunyuan4j.core.weights;

import io.hunyuan4j.core.HunyuanException;
import java.util.List;

/**
 * A checkpoint that does not match the module built from its config: every missing name, every unexpected
 * name and every shape mismatch, reported together like the reference's strict {@code load_state_dict}.
 */
public final class CheckpointMismatchException extends HunyuanException {
    private static final long serialVersionUID = 1L;

    private final List<String> missing;
    private final List<String> unexpected;
    private final List<String> shapeMismatches;

    /** Every mismatch between the checkpoint at {@code where} and the model, reported together. */
    public CheckpointMismatchException(String where, List<String> missing, List<String> unexpected,
            List<String> shapeMismatches) {
        super(format(where, missing, unexpected, shapeMismatches));
        this.missing = List.copyOf(missing);
        this.unexpected = List.copyOf(unexpected);
        this.shapeMismatches = List.copyOf(shapeMismatches);
    }

    /** Names the module needs and the checkpoint lacks. */
    public List<String> missing() {
        return missing;
    }

    /** Names the checkpoint has and the module does not use. */
    public List<String> unexpected() {
        return unexpected;
    }

    /** One line per tensor whose stored shape differs from the expected one. */
    public List<String> shapeMismatches() {
        return shapeMismatches;
    }

    private static String format(String where, List<String> missing, List<String> unexpected, List<String> shapes) {
        StringBuilder sb = new StringBuilder(where).append(": checkpoint does not match the model");
        if (!missing.isEmpty()) {
            sb.append("; missing ").append(missing.size()).append(' ').append(abbrev(missing));
        }
        if (!unexpected.isEmpty()) {
            sb.append("; unexpected ").append(unexpected.size()).append(' ').append(abbrev(unexpected));
        }
        if (!shapes.isEmpty()) {
            sb.append("; shape mismatches ").append(shapes.size()).append(' ').append(abbrev(shapes));
        }
        return sb.toString();
    }

    private static String abbrev(List<String> xs) {
        int max = 40;
        return xs.size() <= max ? xs.toString()
                : xs.subList(0, max) + " ... (+" + (xs.size() - max) + " more)";
    }
}
