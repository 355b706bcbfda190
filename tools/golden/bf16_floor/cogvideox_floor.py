#!/usr/bin/python3
"""How far the float32 reference itself moves under bf16 rounding (golden-cogvideox pipeline fixtures): docs/cogvideox.md, "bf16 precision policy".

Usage (from the repository root; /usr/bin/python3 with torch 1.13, diffusers src at the oracle commit):
  GOLDEN_ROOT=../shared/golden-cogvideox DIFFUSERS_SRC=/tmp/diffusers/src /usr/bin/python3 cogvideox_floor.py MODE [CASES...]
MODE: none | round (every transformer weight rounded to bf16, float32 compute) | only:REGEX (weights matching
REGEX rounded) | emu:REGEX[|attn] (nn.Linear modules matching REGEX get bf16-rounded inputs, weights and outputs,
as a bf16 matmul; |attn also rounds q, k, v and the attention output). ROUND_PAT=REGEX rounds further weights.
Env of emu.py: CFGDIFF=REGEX (those emulated Linears in CFG-difference form), ATTN=qkvspo (what attention rounds).
"""
import os, sys, re
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.environ.get("GOLDEN_ROOT", "../shared/golden-cogvideox"), "tools"))
import torch
import make_golden_cogvideox as mg
import compat
mg.D = compat.setup_diffusers(os.environ.get("DIFFUSERS_SRC", "/tmp/diffusers/src"), stub_transformers=True)
from make_golden_cogvideox import *
torch.set_num_threads(1)
root = os.environ.get("GOLDEN_ROOT", "../shared/golden-cogvideox")

def rel(a, b):
    a, b = a.float(), b.float()
    return ((a - b).abs().max() / b.abs().max()).item()

def rnd(w):
    return {k: (v.to(torch.bfloat16).float() if v.is_floating_point() else v) for k, v in w.items()}

mode = sys.argv[1]
for name in sys.argv[2:]:
    cfg, w, i, o = load_case(os.path.join(root, "cogvideox_pipeline", name))
    tr = build_transformer(init_kwargs_from_config(cfg["transformer"]))
    tw = {k[12:]: v for k, v in w.items() if k.startswith("transformer.")}
    if mode == "round":
        tw = rnd(tw)
    elif mode.startswith("only:"):
        pat = re.compile(mode[5:])
        tw = {k: (v.to(torch.bfloat16).float() if pat.search(k) else v) for k, v in tw.items()}
        print("rounded", sorted(k for k in tw if pat.search(k))[:100])
    if os.environ.get("ROUND_PAT"):
        rp = re.compile(os.environ["ROUND_PAT"])
        tw = {k: (v.to(torch.bfloat16).float() if rp.search(k) and v.is_floating_point() else v) for k, v in tw.items()}
    tr.load_state_dict(tw, strict=True)
    if mode.startswith("emu:"):
        import emu
        parts = mode[4:].split("|attn")
        emu.state.lin_pat = re.compile(parts[0]) if parts[0] else None
        emu.state.attn = mode.endswith("|attn")
        emu.state.out_round = os.environ.get("OUTROUND", "1") == "1"
        # weights of rounded linears are already rounded inside; others stay fp32
        emu.patch(tr)
    vae = build_vae(init_kwargs_from_config(cfg["vae"]))
    vae.load_state_dict({k[4:]: v for k, v in w.items() if k.startswith("vae.")}, strict=True)
    call = cfg["call"]
    case = dict(call, kind="i2v" if call["pipeline"] == "CogVideoXImageToVideoPipeline" else "t2v",
                scheduler=cfg["scheduler"]["class"], scheduler_config=init_kwargs_from_config(cfg["scheduler"]["config"]))
    got = run_pipeline(case, tr, vae, i)[0]
    e = {k: "%.2e" % rel(got[k], o[k]) for k in ("noise_pred_raw", "noise_pred_guided", "latents", "video_decoded_raw", "video")}
    e.update({k + "0": "%.2e" % rel(got[k][0], o[k][0]) for k in ("noise_pred_raw", "noise_pred_guided")})  # step 0 alone
    print(name, mode, e)
