package io.hunyuan4j.core.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive format, the loaded method set, and the fallback paths (in forked JVMs). */
class KernelsTest {

    @Test
    void archiveIsFourStoredEntriesVersion10(@TempDir Path dir) throws IOException {
        Path pt = dir.resolve("k.pt");
        TorchScriptArchive.write(pt, "kernels", "Kernels", Kernels.source());
        try (ZipFile z = new ZipFile(pt.toFile())) {
            List<String> names = new ArrayList<>();
            z.stream().forEach(e -> {
                names.add(e.getName());
                assertEquals(ZipEntry.STORED, e.getMethod(), e.getName());
            });
            assertEquals(List.of("kernels/data.pkl", "kernels/code/__torch__.py", "kernels/constants.pkl",
                    "kernels/version"), names);
            String version = new String(z.getInputStream(z.getEntry("kernels/version")).readAllBytes(),
                    StandardCharsets.US_ASCII);
            assertEquals("10\n", version);
        }
        var e = assertThrows(IllegalArgumentException.class,
                () -> TorchScriptArchive.write(pt, "kernels", "Kernels", "class Other(Module):\n"));
        assertTrue(e.getMessage().contains("class Kernels(Module)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TorchScriptArchive.write(pt, "a/b", "Kernels", ""));
    }

    @Test
    void everyDeclaredMethodLoads() {
        assertTrue(Kernels.available(Device.cpu()), Kernels.status(Device.cpu()));
        assertEquals(new java.util.TreeSet<>(Kernels.declaredMethods()), Kernels.methods(Device.cpu()));
        assertTrue(Kernels.declaredMethods().containsAll(List.of("sdpa", "sdpa_mask", "sdpa_causal",
                "sdpa_mask_causal", "rms_norm", "group_norm", "layer_norm", "gelu_tanh", "pad_replicate",
                "upsample_nearest3d", "to_bf16", "to_f32", "bf16_bits_to_bf16", "linear", "softmax")));
        assertTrue(Kernels.status(Device.cpu()).startsWith("TorchScript kernels loaded on cpu"),
                Kernels.status(Device.cpu()));
    }

    @Test
    void disabledKernelsFallBackToComposedOps() throws Exception {
        String out = fork("disabled", "-D" + Kernels.ENABLED_PROPERTY + "=false");
        assertTrue(out.contains("RESULT OK"), out);
        assertTrue(out.contains("TorchScript kernels disabled"), "the path in use is logged: " + out);
    }

    @Test
    void failingKernelFallsBackAndIsLoggedOnce() throws Exception {
        String out = fork("failing");
        assertTrue(out.contains("RESULT OK"), out);
        int warnings = out.split("TorchScript kernel 'forward' failed", -1).length - 1;
        assertEquals(1, warnings, out);
    }

    private static String fork(String mode, String... jvmArgs) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.add("-Dai.djl.offline=true");
        cmd.add("-Dorg.slf4j.simpleLogger.log.io.hunyuan4j.core.ops.Kernels=info");
        cmd.addAll(List.of(jvmArgs));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(KernelFallbackMain.class.getName());
        cmd.add(mode);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] bytes = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "forked JVM timed out");
        String out = new String(bytes, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
