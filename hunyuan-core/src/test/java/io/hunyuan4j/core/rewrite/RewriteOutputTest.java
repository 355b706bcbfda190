package io.hunyuan4j.core.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What is left of a chat model's answer once the wrapping around the prompt is removed. */
class RewriteOutputTest {

    private static final String P = "A red fox trots through fresh snow at dawn, breath steaming.";

    private static String clean(String raw) {
        return RewriteOutput.clean(raw, 2000);
    }

    @Test
    void labelsQuotesFencesAndReasoningAreRemoved() {
        assertEquals(P, clean(P));
        assertEquals(P, clean("  \"" + P + "\"\n"));
        assertEquals(P, clean("Rewritten prompt: " + P));
        assertEquals(P, clean("rewritten video description: '" + P + "'"));
        assertEquals(P, clean("**Rewritten Prompt:** " + P));
        assertEquals(P, clean("**Output**: “" + P + "”"));
        assertEquals(P, clean("Prompt：" + P));
        assertEquals(P, clean("Sure! Here is the rewritten prompt:\n\n" + P));
        assertEquals(P, clean("Here's a more detailed version:\n" + P));
        assertEquals(P, clean("```\n" + P + "\n```"));
        assertEquals(P, clean("```text\nRewritten prompt: \"" + P + "\"\n```"));
        assertEquals(P, clean("<think>The user wants a fox.\nAdd light.</think>\n\n" + P));
    }

    @Test
    void textInsideThePromptIsKept() {
        String inner = "A sign reading \"OPEN\" hangs on a door: the camera pans left.";
        assertEquals(inner, clean(inner));
        assertEquals("A neon sign says: \"Prompt: none\"", clean("A neon sign says: \"Prompt: none\""));
        assertEquals("a b c", clean("a\n\n  b\tc"));
        assertEquals("", clean("  \"\" "));
        assertEquals("", clean("<think>only thoughts</think>"));
    }

    @Test
    void longAnswersAreCutAfterAWholeWord() {
        String s = "word ".repeat(100).strip(); // 499 chars
        String cut = RewriteOutput.clean(s, 42);
        assertTrue(cut.length() <= 42, cut);
        assertTrue(cut.endsWith("word") && !cut.endsWith(" "), cut);
        assertEquals(40 - 1, cut.length()); // 8 whole words of "word " less the trailing space
        assertEquals("x".repeat(20), RewriteOutput.clean("x".repeat(100), 20), "no space: a hard cut");
        String emoji = "x".repeat(19) + "\uD83E\uDD8A" + "y".repeat(10);
        assertEquals("x".repeat(19), RewriteOutput.clean(emoji, 20), "a surrogate pair is never split");
    }
}
