package io.hunyuan4j.cogvideox.vae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hunyuan4j.core.config.ConfigException;
import io.hunyuan4j.core.config.JsonConfig;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code config.json} bounds, frame batches and tiling arithmetic, checked before any weight is read. */
class CogVideoXVaeConfigTest {

    private static CogVideoXVaeConfig read(String json) {
        return CogVideoXVaeConfig.fromJson(JsonConfig.parse("vae/config.json", json));
    }

    @Test
    void anEmptyConfigIsTheReleasedOne() {
        assertEquals(CogVideoXVaeConfig.defaults(), read("{}"));
        CogVideoXVaeConfig c = read("{\"temporal_compression_ratio\": 4.0, \"shift_factor\": 0.5,"
                + " \"latents_mean\": [0.1, 0.2], \"invert_scale_latents\": true}");
        assertEquals(4, c.temporalCompressionRatio());
        assertEquals(0.5f, c.shiftFactor());
        assertEquals(List.of(0.1f, 0.2f), c.latentsMean());
        assertTrue(c.invertScaleLatents());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"temporal_compression_ratio\": 3}|temporal_compression_ratio",
        "{\"temporal_compression_ratio\": 2.5}|temporal_compression_ratio",
        "{\"temporal_compression_ratio\": 16}|temporal_compression_ratio",
        "{\"norm_num_groups\": 48}|block_out_channels",
        "{\"block_out_channels\": []}|block_out_channels",
        "{\"down_block_types\": [\"DownEncoderBlock2D\", \"CogVideoXDownBlock3D\", \"CogVideoXDownBlock3D\","
                + " \"CogVideoXDownBlock3D\"]}|down_block_types",
        "{\"up_block_types\": [\"CogVideoXUpBlock3D\"]}|up_block_types",
        "{\"act_fn\": \"gelu\"}|act_fn",
        "{\"use_quant_conv\": true}|use_quant_conv",
        "{\"use_post_quant_conv\": true}|use_post_quant_conv",
        "{\"latent_channels\": 0}|latent_channels",
        "{\"layers_per_block\": 100000}|layers_per_block",
        "{\"scaling_factor\": -1}|scaling_factor",
        "{\"norm_eps\": 0}|norm_eps",
        "{\"sample_height\": 1}|sample_height",
    })
    void outOfBoundsValuesNameTheirKey(String json, String key) {
        ConfigException e = assertThrows(ConfigException.class, () -> read(json));
        assertTrue(e.getMessage().contains(key) && e.getMessage().contains("vae/config.json"), e.getMessage());
    }

    @Test
    void frameBatchesFollowDiffusers() {
        assertEquals("[[0, 9], [9, 17]]", str(AutoencoderKLCogVideoX.frameBatches(17, 8)));
        assertEquals("[[0, 3], [3, 5]]", str(AutoencoderKLCogVideoX.frameBatches(5, 2)));
        assertEquals("[[0, 2], [2, 4]]", str(AutoencoderKLCogVideoX.frameBatches(4, 2)));
        assertEquals("[[0, 12], [12, 20]]", str(AutoencoderKLCogVideoX.frameBatches(20, 8)));
        assertEquals("[[0, 5]]", str(AutoencoderKLCogVideoX.frameBatches(5, 8)));
        assertEquals("[[0, 1]]", str(AutoencoderKLCogVideoX.frameBatches(1, 2)));
        assertEquals("[[0, 13]]", str(AutoencoderKLCogVideoX.frameBatches(13, 13)));
    }

    private static String str(List<long[]> batches) {
        return batches.stream().map(java.util.Arrays::toString).toList().toString();
    }

    @Test
    void enableTilingKeepsDefaultsForNullAndZero() {
        CogVideoXVaeConfig c = CogVideoXVaeConfig.defaults();
        CogVideoXTiling d = CogVideoXTiling.defaults(c);
        assertEquals(new CogVideoXTiling(false, 240, 360, 1.0 / 6, 1.0 / 5, 8, 2), d);
        assertEquals(new CogVideoXTiling(true, 240, 96, 1.0 / 6, 0.25, 8, 2),
                CogVideoXTiling.enableTiling(c, 0, 96, null, 0.25));
        assertEquals(new CogVideoXTiling(true, 32, 360, 0.5, 1.0 / 5, 8, 2), CogVideoXTiling.enableTiling(c,
                JsonConfig.parse("t", "{\"tile_sample_min_height\": 32, \"tile_overlap_factor_height\": 0.5,"
                        + " \"tile_sample_min_width\": null}")));
        assertThrows(IllegalArgumentException.class, () -> new CogVideoXTiling(true, 32, 32, 1.0, 0.2, 8, 2));
        assertThrows(IllegalArgumentException.class, () -> d.withFrameBatches(0, 2));
    }
}
