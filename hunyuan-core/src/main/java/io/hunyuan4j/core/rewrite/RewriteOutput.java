package io.hunyuan4j.core.rewrite;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns an LLM's answer into a prompt: chat models wrap the text they were asked for in reasoning, labels,
 * quotes and code fences, and the encoder would otherwise read those as part of the scene.
 */
final class RewriteOutput {

    /** Reasoning that some servers leave in the content (e.g. a reasoning model without a reasoning parser). */
    private static final Pattern THINK = Pattern.compile("(?s)<think>.*?</think>");
    private static final Pattern FENCE = Pattern.compile("(?s)^```[\\w-]*\\s*(.*?)\\s*```$");
    /** A label before the text: "Rewritten prompt:", "**Output:**", "Here is the rewritten video description:". */
    private static final Pattern LABEL = Pattern.compile("(?i)^(?:[*_#]+\\s*)?(?:sure[,.!]?\\s*)?"
            + "(?:here(?:'s| is) (?:the |your |a |my )?)?"
            + "(?:(?:rewritten|revised|enhanced|improved|refined|final|new|master|normal)(?: mode)?\\s+)?"
            + "(?:video\\s+)?(?:prompt|description|caption|recaption|output|result|answer|rewrite)"
            + "\\s*(?:[*_]+\\s*)?[:：](?:\\s*[*_]+)?\\s*");
    /** A chatty first line about the answer, ending in a colon, with the text on the next lines. */
    private static final Pattern PREAMBLE = Pattern.compile(
            "(?is)^(?=[^\\n]*(?:prompt|description|caption|rewrit|version|here))[^\\n]{1,100}:\\s*\\n\\s*(\\S.*)$");
    private static final String[][] QUOTES = {{"\"", "\""}, {"'", "'"}, {"“", "”"}, {"‘", "’"}, {"«", "»"},
        {"「", "」"}, {"`", "`"}};

    private RewriteOutput() {}

    /**
     * The prompt in {@code raw}: reasoning, code fences, a leading label or preamble line and surrounding quotes
     * removed, whitespace collapsed to single spaces, and cut at a word boundary to at most {@code maxChars}.
     *
     * @return the cleaned text; empty when nothing is left
     */
    static String clean(String raw, int maxChars) {
        String s = THINK.matcher(raw).replaceAll("").strip();
        String before;
        do {
            before = s;
            Matcher fence = FENCE.matcher(s);
            if (fence.matches()) {
                s = fence.group(1).strip();
            }
            Matcher preamble = PREAMBLE.matcher(s);
            if (preamble.matches()) {
                s = preamble.group(1).strip();
            }
            s = LABEL.matcher(s).replaceFirst("").strip();
            s = unquote(s);
        } while (!s.equals(before));
        return bound(s.replaceAll("\\s+", " "), maxChars);
    }

    private static String unquote(String s) {
        for (String[] q : QUOTES) {
            if (s.length() >= q[0].length() + q[1].length() && s.startsWith(q[0]) && s.endsWith(q[1])
                    && s.indexOf(q[1], q[0].length()) == s.length() - q[1].length()) {
                // only a pair that encloses the whole text: "a "red" car" keeps its inner quotes
                return s.substring(q[0].length(), s.length() - q[1].length()).strip();
            }
        }
        return s;
    }

    /** At most {@code maxChars}, cut after the last whole word when one ends in the second half. */
    static String bound(String s, int maxChars) {
        if (s.length() <= maxChars) {
            return s;
        }
        int cut = s.lastIndexOf(' ', maxChars);
        if (cut < maxChars / 2) {
            cut = Character.isHighSurrogate(s.charAt(maxChars - 1)) ? maxChars - 1 : maxChars;
        }
        return s.substring(0, cut).strip();
    }
}
