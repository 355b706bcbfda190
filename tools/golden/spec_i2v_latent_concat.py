"""I2V set 'i2v-latent_concat': HunyuanVideo-I2V-33ch's layout in small (in_channels 2*4+1 = 9, out_channels 4,
no guidance embeds), batch 2 with uneven padding, 3 latent frames, non-square latent."""
SPEC = {
    "name": "i2v-latent_concat",
    "seed": 1616,
    "transformer": {
        "config": dict(in_channels=9, out_channels=4, num_attention_heads=2, attention_head_dim=12,
                       num_layers=2, num_single_layers=2, num_refiner_layers=1, mlp_ratio=2.0,
                       patch_size=2, patch_size_t=1, qk_norm="rms_norm", guidance_embeds=False,
                       text_embed_dim=16, pooled_projection_dim=8, rope_theta=256.0,
                       rope_axes_dim=(4, 4, 4), image_condition_type="latent_concat"),
        "batch": 2, "frames": 3, "height": 4, "width": 6, "text_len": 7,
        "valid_tokens": [7, 4], "timestep": [900.0, 333.0], "guidance": [1000.0, 1000.0],
    },
}
