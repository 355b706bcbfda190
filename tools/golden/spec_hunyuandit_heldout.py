"""Held-out HunyuanDiT fixture set (hunyuan-golden/src/test/resources/golden-sets/hunyuandit-heldout).

Differs from the public set in every dimension the port must not assume: 2 heads of 8, 6 blocks (skips pushed
after 0..1, used by 4..5; 2 and 3 neither), other text widths/lengths and mlp_ratio, a wide grid (3 x 5: the
r <= 1 branch of the crop region) and a tall one (5 x 2), batch 2 everywhere with uneven padding, timestep 0, a
v1.1 model with one head and 2 blocks (no skips), the pipeline with batch 2, CFG 4, rescale 0.5 and other meta
sizes, trailing spacing with beta_end 0.03 and 7 scheduler steps.

Make it (from /work/shared/golden-hunyuandit/tools):
  /usr/bin/python3 make_golden_hunyuandit.py --spec <repo>/tools/golden/spec_hunyuandit_heldout.py \
      --out /tmp/dit-heldout --diffusers-src /tmp/diffusers/src \
      --components hunyuandit_transformer,hunyuandit_transformer_v11,hunyuandit_vae,hunyuandit_scheduler,hunyuandit_pipeline
then copy every folder but hunyuandit_vae.
"""
import inspect
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(inspect.currentframe().f_code.co_filename)))
from heldout_parts import hunyuandit_vae  # noqa: E402

_TRANSFORMER = dict(
    num_attention_heads=2,
    attention_head_dim=8,
    in_channels=4,
    patch_size=2,
    activation_fn="gelu-approximate",
    sample_size=8,
    hidden_size=16,
    num_layers=6,
    mlp_ratio=1.7,
    learn_sigma=True,
    cross_attention_dim=20,
    norm_type="layer_norm",
    cross_attention_dim_t5=16,
    pooled_projection_dim=12,
    text_len=7,
    text_len_t5=9,
    use_style_cond_and_image_meta_size=False,
)

SPEC = {
    "name": "hunyuandit-heldout",
    "seed": 9876,
    "hunyuandit_transformer": {
        "config": dict(_TRANSFORMER),
        "batch": 2,
        "latent_height": 6,   # grid 3 x 5 (wide)
        "latent_width": 10,
        "bert_valid": [7, 3],
        "t5_valid": [4, 9],
        "timestep": [0.0, 999.0],
        "image_meta_size": [[1024, 1024, 48, 80, 0, 0], [1024, 1024, 48, 80, 0, 0]],
    },
    "hunyuandit_transformer_v11": {
        # one head of 8, 2 blocks (no long skips at all): the v1.1 extra embedder alone is 4 D x (1536 + D + pooled)
        "config": dict(_TRANSFORMER, num_attention_heads=1, hidden_size=8, num_layers=2,
                       use_style_cond_and_image_meta_size=True),
        "batch": 2,
        "latent_height": 10,  # grid 5 x 2 (tall)
        "latent_width": 4,
        "bert_valid": [2, 7],
        "t5_valid": [9, 1],
        "timestep": [777.0, 33.0],
        "image_meta_size": [[512, 2048, 80, 32, 3, 5], [1280, 768, 80, 32, 0, 0]],
    },
    "hunyuandit_vae": {
        "config": hunyuandit_vae(block_out_channels=(4, 4, 4, 4), layers_per_block=1, latent_channels=4,
                                 sample_size=32),
        "image_shape": (1, 3, 16, 24),
        "latent_shape": (1, 4, 2, 3),
        "big_latent_shape": (1, 4, 5, 6),
        "big_image_shape": (1, 3, 40, 48),
    },
    "hunyuandit_scheduler": {
        "config": dict(
            num_train_timesteps=1000,
            beta_start=0.00085,
            beta_end=0.03,
            beta_schedule="scaled_linear",
            clip_sample=False,
            clip_sample_range=1.0,
            prediction_type="v_prediction",
            steps_offset=1,
            timestep_spacing="trailing",
            variance_type="fixed_small",
            thresholding=False,
            dynamic_thresholding_ratio=0.995,
            sample_max_value=1.0,
            rescale_betas_zero_snr=False,
            trained_betas=None,
        ),
        "num_inference_steps": 7,
        "sample_shape": (2, 4, 2, 5),
        "noise_seed": 31,
        "ddim_eta": 0.0,
    },
    "hunyuandit_pipeline": {
        "transformer": "hunyuandit_transformer",
        "batch": 2,
        "height": 48,        # latents 6 x 4, grid 3 x 2
        "width": 32,
        "num_inference_steps": 3,
        "guidance_scale": 4.0,
        "guidance_rescales": [0.5],
        "bert_valid": [7, 4],
        "t5_valid": [3, 9],
        "neg_bert_valid": [1, 2],
        "neg_t5_valid": [2, 1],
        "original_size": (768, 1280),
        "crops_coords_top_left": (16, 8),
        "noise_seed": 55,
    },
}
