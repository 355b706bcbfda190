package io.hunyuan4j.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hunyuan4j.text.HunyuanPromptEncoder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The layer skip of {@code prompt_embeds} comes from the fixture README: the held-out set {@code tiles} skips 1
 * layer, the others the pipeline's 2.
 */
class TextLlamaSkipTest {

    private static Path goldenSet(String name) {
        return Path.of(System.getProperty("hunyuan.root"), "hunyuan-golden", "src", "test", "resources",
                "golden-sets", name, "text_llama");
    }

    @Test
    void skipIsReadFromTheReadmeWithThePipelineDefault() {
        assertEquals(1, TextLlamaGolden.numHiddenLayersToSkip("* `prompt_embeds` ="
                + " `hidden_states[-(num_hidden_layers_to_skip + 1)]` with num_hidden_layers_to_skip = 1, i.e."));
        assertEquals(3, TextLlamaGolden.numHiddenLayersToSkip("num_hidden_layers_to_skip=3"));
        assertEquals(HunyuanPromptEncoder.NUM_HIDDEN_LAYERS_TO_SKIP, TextLlamaGolden.numHiddenLayersToSkip(""));
    }

    @Test
    void heldOutSetsPass() {
        GoldenCheck check = new GoldenCheck(List.of(new TextLlamaGolden()));
        for (String set : List.of("tiles", "batch2", "batch3")) {
            ComponentResult r = check.check(goldenSet(set), GoldenOptions.float32());
            assertEquals(ComponentResult.Status.PASS, r.status(), set + ": " + r.line());
        }
    }
}
