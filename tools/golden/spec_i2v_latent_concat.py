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
    "vae": {
        "config": dict(in_channels=3, out_channels=3, latent_channels=4, block_out_channels=(4, 4, 4, 4),
                       layers_per_block=1, act_fn="silu", norm_num_groups=2, scaling_factor=0.476986,
                       spatial_compression_ratio=8, temporal_compression_ratio=4, mid_block_add_attention=True),
    },
    "scheduler": {"config": dict(num_train_timesteps=1000, shift=7.0)},
    "pipeline": {"height": 16, "width": 32, "num_frames": 9, "num_inference_steps": 3, "guidance_scale": 6.0,
                 "text_len": 7, "valid_tokens": 5,
                 "transformer_layers": dict(num_layers=1, num_single_layers=1)},
}
