package io.hunyuan4j.text;

/**
 * GPT-2's reversible byte-to-unicode table, which byte-level BPE vocabularies (Llama 3, CLIP) are written in:
 * printable Latin-1 bytes stand for themselves, the other 68 bytes map to U+0100 onwards in byte order.
 *
 * @see <a href="https://github.com/huggingface/tokenizers/blob/v0.21.0/tokenizers/src/pre_tokenizers/byte_level.rs">tokenizers bytes_char</a>
 */
final class ByteLevel {

    private ByteLevel() {}

    /** The vocabulary string of one byte (0..255). */
    static String symbol(int b) {
        if (b < 0 || b > 255) {
            throw new IllegalArgumentException("byte must be in [0, 255] but is " + b);
        }
        if (isPrintable(b)) {
            return Character.toString(b);
        }
        int n = 0;
        for (int i = 0; i < b; i++) {
            if (!isPrintable(i)) {
                n++;
            }
        }
        return Character.toString(256 + n);
    }

    private static boolean isPrintable(int b) {
        return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    }
}
