"""Held-out set 'batch3': batch 3 (one item fully valid, one with a single valid token), head_dim 20 with
RoPE axes (4, 8, 8), a one-frame latent, VAE tiles of 2 latents with stride 1 in space and 3+1 frames with
stride 1 in time on a batch-2 latent, shift 9, 2 steps, a batch-3 one-frame (image) pipeline."""
SPEC = {
    "name": "batch3",
    "seed": 99,
    "transformer": {
        "config": dict(in_channels=4, out_channels=4, num_attention_heads=2, attention_head_dim=20,
                       num_layers=1, num_single_layers=1, num_refiner_layers=2, mlp_ratio=3.0,
                       patch_size=2, patch_size_t=1, qk_norm="rms_norm", guidance_embeds=True,
                       text_embed_dim=12, pooled_projection_dim=10, rope_theta=256.0,
                       rope_axes_dim=(4, 8, 8), image_condition_type=None),
        "batch": 3, "frames": 1, "height": 4, "width": 6, "text_len": 9,
        "valid_tokens": [1, 9, 5], "timestep": [10.0, 500.0, 990.0], "guidance": [3000.0, 6000.0, 9000.0],
    },
    "vae": {
        "config": dict(in_channels=3, out_channels=3, latent_channels=4, block_out_channels=(4, 8, 8, 8),
                       layers_per_block=1, act_fn="silu", norm_num_groups=2, scaling_factor=0.476986,
                       spatial_compression_ratio=8, temporal_compression_ratio=4, mid_block_add_attention=True),
        "video_shape": (2, 3, 13, 16, 16),
        "latent_shape": (3, 4, 1, 2, 3),
        "big_latent_shape": (2, 4, 5, 3, 5),
        "tiling": dict(tile_sample_min_height=16, tile_sample_min_width=16, tile_sample_min_num_frames=12,
                       tile_sample_stride_height=8, tile_sample_stride_width=8, tile_sample_stride_num_frames=4),
        "big_video_shape": (2, 3, 17, 24, 16),
    },
    "scheduler": {"config": dict(num_train_timesteps=1000, shift=9.0), "num_inference_steps": 2,
                  "sample_shape": (3, 4, 1, 2, 3)},
    "pipeline": {"batch": 3, "height": 16, "width": 32, "num_frames": 1, "num_inference_steps": 2,
                 "guidance_scale": 6.0, "text_len": 9, "valid_tokens": [3, 9, 1]},
    "text_llama": {
        "config": dict(vocab_size=320, hidden_size=32, intermediate_size=88, num_hidden_layers=4,
                       num_attention_heads=4, num_key_value_heads=2, hidden_act="silu",
                       max_position_embeddings=128, rms_norm_eps=1e-5, rope_theta=500000.0, attention_bias=False,
                       mlp_bias=False, tie_word_embeddings=False, pad_token_id=0, bos_token_id=1, eos_token_id=2),
        "batch": 2, "seq_len": 7, "valid_tokens": [7, 2], "num_hidden_layers_to_skip": 2,
    },
    "text_clip": {
        "config": dict(vocab_size=300, hidden_size=32, intermediate_size=64, num_hidden_layers=3,
                       num_attention_heads=4, max_position_embeddings=20, hidden_act="quick_gelu",
                       layer_norm_eps=1e-5, pad_token_id=1, bos_token_id=0, eos_token_id=2),
        "batch": 2, "seq_len": 10, "lengths": [5, 10],
    },
}
