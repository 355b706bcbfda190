"""Held-out CogVideoX VAE set "cogvideox_vae_b" (hunyuan-golden test resources golden-sets/cogvideox_vae_b).

Run like spec_cogvideox_vae_a.py. Differs from the public set: temporal_compression_ratio 2 (one time level),
widths (8, 8, 8), 20 frames (encoder batches [0:12] + [12:20]: the first takes the 4-frame remainder), 7 latent
frames (decoder batches [0:3], [3:5], [5:7]), a non-square tile (spatial compression 4).
"""
from specs_cogvideox import PUBLIC, VAE_BASE

SPEC = dict(PUBLIC, name="cogvideox_vae_b", seed=4321)
SPEC["vae"] = {
    "config": dict(VAE_BASE, block_out_channels=(8, 8, 8), layers_per_block=1, latent_channels=2,
                   norm_num_groups=4, temporal_compression_ratio=2, sample_height=16, sample_width=24,
                   down_block_types=("CogVideoXDownBlock3D",) * 3, up_block_types=("CogVideoXUpBlock3D",) * 3,
                   scaling_factor=1.15258426),
    "video_shape": (1, 3, 20, 8, 12),
    "latent_shape": (1, 2, 7, 3, 2),
    "tiling": dict(tile_sample_min_height=12, tile_sample_min_width=8, tile_overlap_factor_height=1 / 3,
                   tile_overlap_factor_width=0.5),
    "tiled_latent_shape": (1, 2, 2, 5, 4),
    "tiled_video_shape": (1, 3, 9, 24, 16),
}
