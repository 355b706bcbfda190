"""Held-out pipeline sets for tools/golden/bf16_floor (scratch, written under /tmp only): the PUBLIC HunyuanDiT /
CogVideoX pipeline configurations (same sizes, steps, guidance) with other seeds, so other weights, prompt
embeddings and noise. BF16_HO_SEED picks the set (default 1). Run from the fixture set's tools folder:
  BF16_HO_SEED=1 /usr/bin/python3 make_golden_hunyuandit.py --spec <this> --out /tmp/bf16ho/dit1 \
      --diffusers-src /tmp/diffusers/src --components hunyuandit_pipeline
  BF16_HO_SEED=1 /usr/bin/python3 make_golden_cogvideox.py --spec <this> --out /tmp/bf16ho/cog1 \
      --diffusers-src /tmp/diffusers/src --components cogvideox_pipeline
"""
import os
import sys

_n = int(os.environ.get("BF16_HO_SEED", "1"))
if "specs_hunyuandit" in sys.modules or os.path.exists("specs_hunyuandit.py"):
    from specs_hunyuandit import PUBLIC
    SPEC = dict(PUBLIC, name="bf16-floor-heldout-%d" % _n, seed=1000 + 97 * _n)
    SPEC["hunyuandit_pipeline"] = dict(PUBLIC["hunyuandit_pipeline"], noise_seed=3000 + _n,
                                       bert_valid=[[5], [10]][_n % 2], t5_valid=[[12], [4]][_n % 2])
else:
    from specs_cogvideox import PUBLIC
    SPEC = dict(PUBLIC, name="bf16-floor-heldout-%d" % _n, seed=5000 + 97 * _n)
    SPEC["pipeline"] = {"cases": {k: dict(c, generator_seed=c["generator_seed"] + 100 * _n)
                                  for k, c in PUBLIC["pipeline"]["cases"].items()}}
