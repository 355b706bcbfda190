"""Held-out fixture for HunyuanDiT's 2D AutoencoderKL (golden-sets/dit-vae-kl/hunyuandit_vae).

Differs from the public set: layers_per_block 2 (3 resnets per up block, shortcut convs where widths change),
block widths (8, 8, 12, 12), 6 latent channels, batch 2 with non-square images and latents, sample_size 64
(tiles of 64 px / 8 latents, strides 48 px / 6 latents) on big inputs whose sizes the strides do not divide
(edge tiles of 4 and 3 latents, 32 and 24 px).

Make it with (from shared/golden-hunyuandit/tools):
  /usr/bin/python3 make_golden_hunyuandit.py --spec <repo>/tools/golden/spec_hunyuandit_vae_kl.py \
      --components hunyuandit_vae --out /tmp/dit-vae-kl --diffusers-src /tmp/diffusers/src
"""
import inspect
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(inspect.currentframe().f_code.co_filename)))
from heldout_parts import hunyuandit_vae  # noqa: E402

SPEC = {
    "name": "dit-vae-kl",
    "seed": 9177,
    "hunyuandit_vae": {
        "config": hunyuandit_vae(block_out_channels=(8, 8, 12, 12), layers_per_block=2, latent_channels=6,
                                 sample_size=64),
        "image_shape": (2, 3, 16, 40),
        "latent_shape": (2, 6, 3, 2),
        "big_latent_shape": (1, 6, 10, 9),    # tiles start at 0, 6: 8 + 4 rows, 8 + 3 columns -> 80 x 72 px
        "big_image_shape": (1, 3, 80, 72),    # tiles start at 0, 48: 64 + 32 rows, 64 + 24 columns -> 10 x 9
    },
}
