package io.hunyuan4j.golden;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One line of a golden-check report.
 *
 * @param component folder name
 * @param status PASS, FAIL or SKIP
 * @param maxRelErr the worst {@code max|got-ref| / max|ref|} over all outputs (NaN when not computed)
 * @param worst the output with that error, or the reason for FAIL/SKIP
 * @param tolerance the bound applied
 * @param detail a further explanation (exception message, missing outputs), or null
 */
public record ComponentResult(String component, Status status, double maxRelErr, String worst, double tolerance,
        @Nullable String detail) {

    /** Outcome of one component. */
    public enum Status {
        /** Every output within the tolerance. */
        PASS,
        /** An output beyond the tolerance, missing, misshapen or NaN, or the component threw. */
        FAIL,
        /** No implementation of the fixture's name. */
        SKIP
    }

    /**
     * The report line: {@code <component> PASS|FAIL|SKIP max_rel_err=<x> (<worst tensor>)}.
     *
     * @return the line, with the tolerance and any detail appended
     */
    public String line() {
        String err = Double.isNaN(maxRelErr) ? "nan" : String.format(Locale.ROOT, "%.3e", maxRelErr);
        String s = component + " " + status + " max_rel_err=" + err + " (" + worst + ")";
        if (status != Status.SKIP) {
            s += Double.isInfinite(tolerance) ? " tol=none (reported only)"
                    : String.format(Locale.ROOT, " tol=%.0e", tolerance);
        }
        return detail == null ? s : s + " " + detail;
    }
}
