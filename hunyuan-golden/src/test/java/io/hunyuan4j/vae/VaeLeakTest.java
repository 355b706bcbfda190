package io.hunyuan4j.vae;

import io.hunyuan4j.core.nn.DiagonalGaussianDistribution;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.hunyuan4j.core.api.ComponentOptions;
import io.hunyuan4j.golden.GoldenCheck;
import io.hunyuan4j.golden.GoldenFixture;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Repeated encodes and decodes, plain and tiled, leave the caller's manager and the (capped) weight manager
 * exactly as they were: every block and tile frees its activations.
 */
class VaeLeakTest {

    /** More than one round: growth would show from the second on. */
    private static final int ROUNDS = 3;

    @Test
    void repeatedDecodesDoNotGrowAnyManager() {
        try (GoldenFixture fx = GoldenFixture.open(GoldenCheck.fixturesDir().resolve("vae"));
                NDManager call = NDManager.newBaseManager();
                AutoencoderKLHunyuanVideo vae = AutoencoderKLHunyuanVideo.fromWeights(VaeConfig.fromJson(fx.config()),
                        fx.weights(), ComponentOptions.defaults(), VaeTiling.defaults())) {
            NDArray big = fx.input("big_latent", call);
            NDArray video = fx.input("video", call);
            VaeTiling tiled = new VaeTiling(true, true, true, 24, 24, 12, 16, 16, 8);
            List<VaeTiling> modes = List.of(VaeTiling.none(), VaeTiling.defaults(), tiled);
            int weights = vae.residentWeightArrays();
            int baseline = call.getManagedArrays().size();
            for (int round = 0; round < ROUNDS; round++) {
                for (VaeTiling t : modes) {
                    String what = "round " + round + " decode with " + t;
                    NDArray out = vae.decode(big, t);
                    assertEquals(baseline + 1, call.getManagedArrays().size(), what);
                    try (NDManager check = call.newSubManager()) {
                        check.tempAttachAll(out);
                        assertTrue(Float.isFinite(out.abs().max().getFloat()), what);
                    }
                    out.close();
                }
                try (NDManager scope = call.newSubManager()) {
                    scope.tempAttachAll(video);
                    DiagonalGaussianDistribution p = vae.encode(video, VaeTiling.enableTiling()
                            .withTiles(new VaeTiling.Extent(16, 16, 16), new VaeTiling.Extent(8, 8, 12)));
                    assertTrue(Float.isFinite(p.mean().abs().max().getFloat()));
                    assertTrue(scope.getManagedArrays().size() > 1);
                }
                assertEquals(weights, vae.residentWeightArrays(), "weight manager grew");
                assertEquals(baseline, call.getManagedArrays().size(), "call manager grew");
            }
        }
    }
}
