package io.hunyuan4j.core.runtime;

/**
 * Makes DJL fully offline unless the application decided otherwise: no native-library download
 * ({@code ai.djl.offline}) and no telemetry probe from DJL's tokenizers ({@code offline}). The SDK calls this
 * before it first touches the engine; an application that sets either property itself keeps its value.
 */
public final class Offline {

    private Offline() {}

    /** Sets both properties to {@code true} where they are unset. Idempotent. */
    public static void ensure() {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        if (System.getProperty("offline") == null) {
            System.setProperty("offline", "true");
        }
    }
}
