"""Held-out set 'tiles': patch size 1, 4 heads of 8 with RoPE axes (2, 2, 4), in_channels 5, spatial tiles
larger than the latent with tiny temporal tiles (2+1 frames, stride 1), layers_per_block 2, no shift,
7 steps, a 17-frame pipeline (frame-wise decoding by default)."""
SPEC = {
    "name": "tiles",
    "seed": 77,
    "transformer": {
        "config": dict(in_channels=5, out_channels=5, num_attention_heads=4, attention_head_dim=8,
                       num_layers=2, num_single_layers=1, num_refiner_layers=1, mlp_ratio=4.0,
                       patch_size=1, patch_size_t=1, qk_norm="rms_norm", guidance_embeds=True,
                       text_embed_dim=16, pooled_projection_dim=8, rope_theta=10000.0,
                       rope_axes_dim=(2, 2, 4), image_condition_type=None),
        "batch": 1, "frames": 3, "height": 5, "width": 3, "text_len": 7,
        "valid_tokens": [2], "timestep": [999.0], "guidance": [1000.0],
    },
    "vae": {
        "config": dict(in_channels=3, out_channels=3, latent_channels=5, block_out_channels=(8, 8, 16, 16),
                       layers_per_block=2, act_fn="silu", norm_num_groups=4, scaling_factor=0.3,
                       spatial_compression_ratio=8, temporal_compression_ratio=4, mid_block_add_attention=True),
        "video_shape": (1, 3, 9, 24, 40),
        "latent_shape": (1, 5, 3, 3, 5),
        "big_latent_shape": (1, 5, 7, 3, 5),
        "tiling": dict(tile_sample_min_height=64, tile_sample_min_width=64, tile_sample_min_num_frames=8,
                       tile_sample_stride_height=48, tile_sample_stride_width=48, tile_sample_stride_num_frames=4),
        "big_video_shape": (1, 3, 13, 16, 72),
    },
    "scheduler": {"config": dict(num_train_timesteps=1000, shift=1.0), "num_inference_steps": 7,
                  "sample_shape": (1, 5, 3, 5, 3)},
    "pipeline": {"batch": 1, "height": 48, "width": 32, "num_frames": 17, "num_inference_steps": 5,
                 "guidance_scale": 1.0, "text_len": 7, "valid_tokens": [7]},
    "text_llama": {
        "config": dict(vocab_size=150, hidden_size=32, intermediate_size=72, num_hidden_layers=3,
                       num_attention_heads=2, num_key_value_heads=2, hidden_act="silu",
                       max_position_embeddings=64, rms_norm_eps=1e-6, rope_theta=500000.0, attention_bias=False,
                       mlp_bias=False, tie_word_embeddings=False, pad_token_id=0, bos_token_id=1, eos_token_id=2),
        "batch": 1, "seq_len": 9, "valid_tokens": [9], "num_hidden_layers_to_skip": 1,
    },
    "text_clip": {
        "config": dict(vocab_size=120, hidden_size=16, intermediate_size=40, num_hidden_layers=4,
                       num_attention_heads=4, max_position_embeddings=12, hidden_act="quick_gelu",
                       layer_norm_eps=1e-5, pad_token_id=1, bos_token_id=0, eos_token_id=2),
        "batch": 1, "seq_len": 12, "lengths": [7],
    },
}
