package io.hunyuan4j.core.weights;

import java.io.IOException;
import java.nio.ByteBuffer;

/** A tensor source that can hand out stored bytes unconverted (for copying checkpoints without decoding). */
interface RawSource {

    /**
     * Reads stored bytes of {@code name} from {@code offset} (relative to its first byte) into {@code dst}, from
     * its position until it is full or the tensor ends.
     */
    void readRaw(String name, ByteBuffer dst, long offset) throws IOException;
}
