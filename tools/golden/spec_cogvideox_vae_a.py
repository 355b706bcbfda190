"""Held-out CogVideoX VAE set "cogvideox_vae_a" (hunyuan-golden test resources golden-sets/cogvideox_vae_a).

Run from /work/shared/golden-cogvideox/tools (or the public set's tools/):
  /usr/bin/python3 make_golden_cogvideox.py --spec <this file> --out /tmp/gc-a --components cogvideox_vae \
      --diffusers-src /tmp/diffusers/src
Differs from the public set: other widths, 2 layers per block, 3 latent channels with quant_conv and
post_quant_conv, norm_eps 1e-5, batch 2, 25 frames (three encoder frame batches), an EVEN latent frame count
(4 -> 16 frames), odd tiled latent frames, tile sizes whose overlap strides divide nothing.
"""
from specs_cogvideox import PUBLIC, VAE_BASE

SPEC = dict(PUBLIC, name="cogvideox_vae_a", seed=777)
SPEC["vae"] = {
    "config": dict(VAE_BASE, block_out_channels=(4, 4, 8, 8), layers_per_block=2, latent_channels=3,
                   norm_num_groups=2, norm_eps=1e-5, use_quant_conv=True, use_post_quant_conv=True,
                   sample_height=48, sample_width=40, scaling_factor=0.7),
    "video_shape": (2, 3, 25, 8, 16),
    "latent_shape": (2, 3, 4, 2, 2),
    "tiling": dict(tile_sample_min_height=24, tile_sample_min_width=16, tile_overlap_factor_height=1 / 3,
                   tile_overlap_factor_width=0.5),
    "tiled_latent_shape": (1, 3, 3, 4, 3),
    "tiled_video_shape": (1, 3, 5, 40, 16),
}
