package io.hunyuan4j.core.offload;

import java.util.Locale;

/** Byte sizes as people write them: {@code 6GiB}, {@code 512MiB}, {@code 1.5GB}, {@code 4096}. */
public final class Bytes {

    private Bytes() {}

    /**
     * Parses a size.
     *
     * @throws IllegalArgumentException naming the value and the accepted forms
     */
    public static long parse(String s) {
        String t = s.trim();
        String[][] units = {{"TiB", "1099511627776"}, {"GiB", "1073741824"}, {"MiB", "1048576"}, {"KiB", "1024"},
            {"TB", "1000000000000"}, {"GB", "1000000000"}, {"MB", "1000000"}, {"KB", "1000"}, {"B", "1"}};
        long mult = 1;
        for (String[] u : units) {
            if (t.regionMatches(true, t.length() - u[0].length(), u[0], 0, u[0].length())) {
                mult = Long.parseLong(u[1]);
                t = t.substring(0, t.length() - u[0].length()).trim();
                break;
            }
        }
        try {
            double v = Double.parseDouble(t);
            if (!(v > 0) || Double.isInfinite(v)) {
                throw new NumberFormatException();
            }
            return (long) (v * mult);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("cannot parse size '" + s
                    + "'; expected a positive number with an optional unit B, KiB, MiB, GiB, TiB, KB, MB, GB, TB");
        }
    }

    /** {@code 5.93 GiB}-style. */
    public static String format(long bytes) {
        double b = bytes;
        String[] u = {"B", "KiB", "MiB", "GiB", "TiB"};
        int i = 0;
        while (b >= 1024 && i < u.length - 1) {
            b /= 1024;
            i++;
        }
        return i == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.2f %s", b, u[i]);
    }
}
