package io.hunyuan4j.core.weights;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * Strict UTF-8 decoding: {@code new String(bytes, UTF_8)} turns invalid bytes into U+FFFD, so two different
 * tensor names could decode to the same string; the safetensors format requires valid UTF-8.
 */
final class Utf8 {

    private Utf8() {}

    /** Decodes {@code bytes}, or throws what {@code error} makes of the decoder's message. */
    static String decode(ByteBuffer bytes, Function<String, RuntimeException> error) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw error.apply(e.toString());
        }
    }
}
