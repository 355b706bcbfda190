"""Parts the held-out specs here share, so that a spec states only what it changes.

The generators read a spec with exec() and no __file__ (specs.load_spec), from their own tools/ folder, so a spec
finds this folder by its code object's file name:

    import inspect, os, sys
    sys.path.insert(0, os.path.dirname(os.path.abspath(inspect.currentframe().f_code.co_filename)))
    from heldout_parts import ...  # noqa: E402
"""


def hunyuandit_vae(block_out_channels, layers_per_block, latent_channels, sample_size):
    """The config of HunyuanDiT's AutoencoderKL (diffusers: four 2D down and up blocks, SiLU, HunyuanDiT's
    scaling factor, no upcast) in small: 4 norm groups, RGB, the given widths, depth, latent channels and tile."""
    return dict(
        in_channels=3,
        out_channels=3,
        down_block_types=("DownEncoderBlock2D",) * 4,
        up_block_types=("UpDecoderBlock2D",) * 4,
        block_out_channels=block_out_channels,
        layers_per_block=layers_per_block,
        act_fn="silu",
        latent_channels=latent_channels,
        norm_num_groups=4,
        sample_size=sample_size,
        scaling_factor=0.13025,
        force_upcast=False,
    )


def i2v_spec(name, seed, condition_type, in_channels, guidance_embeds, valid_tokens, timestep, guidance):
    """An I2V set for make_i2v_fixtures.py: the image-to-video DiT in small (2 heads of 12, 2 + 2 blocks, one
    refiner layer), batch 2 over 3 latent frames of a non-square 4 x 6 latent with 7 text tokens, a 4-channel VAE
    and a 3-step pipeline at 16 x 32 x 9 frames; the arguments are what differs between the condition types."""
    return {
        "name": name,
        "seed": seed,
        "transformer": {
            "config": dict(in_channels=in_channels, out_channels=4, num_attention_heads=2, attention_head_dim=12,
                           num_layers=2, num_single_layers=2, num_refiner_layers=1, mlp_ratio=2.0,
                           patch_size=2, patch_size_t=1, qk_norm="rms_norm", guidance_embeds=guidance_embeds,
                           text_embed_dim=16, pooled_projection_dim=8, rope_theta=256.0,
                           rope_axes_dim=(4, 4, 4), image_condition_type=condition_type),
            "batch": 2, "frames": 3, "height": 4, "width": 6, "text_len": 7,
            "valid_tokens": valid_tokens, "timestep": timestep, "guidance": guidance,
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
