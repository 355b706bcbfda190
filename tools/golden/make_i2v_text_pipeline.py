#!/usr/bin/python3
"""Fixture `pipeline_i2v_text` (issue #16): diffusers' `HunyuanVideoImageToVideoPipeline.__call__` end to end from
a prompt TEXT and an IMAGE: its own `encode_prompt` (LLaVA text_encoder with the I2V template, `<image>` expansion,
crops, `image_embed_interleave`; CLIP text_encoder_2 pooled output), true CFG with a negative prompt (encoded with
diffusers' black image), the VAE-encoded image, the token_replace transformer, the scheduler and the VAE decoder.

Nothing is precomputed: the only stand-ins are those transformers would provide (it cannot be imported here):
* the LLaVA model is the plain-torch reference of make_llava_fixture.py (written from transformers'
  modeling_llava.py and modeling_clip.py), the CLIP text model the shared reference (text_encoders.py);
* the tokenizers are tiny byte-level BPE tokenizers WRITTEN HERE as files (`tokenizer/tokenizer.json`, Llama 3
  style with `<image>`; `tokenizer_2/vocab.json` + `merges.txt`, CLIP) and applied by a Python port of the
  byte-level BPE of HF tokenizers (pre-tokenizer regexes of Llama 3 and CLIP); the ids it gives are outputs, so
  the Java side checks its own tokenization of the same files;
* the image processor is CLIPImageProcessor re-done with PIL/numpy (make_clip_image_fixture.py).

    /usr/bin/python3 tools/golden/make_i2v_text_pipeline.py \
        --out hunyuan-golden/src/test/resources/golden-sets/i2v/text --diffusers-src /tmp/diffusers/src
"""
import argparse
import json
import os
import sys
import types

HERE = os.path.dirname(os.path.abspath(__file__))
TOOLS = os.environ.get("GOLDEN_TOOLS", os.path.join(HERE, "..", "..", "..", "shared", "golden", "tools"))
sys.path.insert(0, os.path.abspath(TOOLS))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402
import regex  # noqa: E402
import torch  # noqa: E402
from PIL import Image  # noqa: E402

import compat  # noqa: E402
import make_golden as mg  # noqa: E402
import text_encoders as te  # noqa: E402

SEED = 1618
PROMPT = "the cat turns its head and blinks at the camera"
NEGATIVE = "blurry, static"
HEIGHT, WIDTH, FRAMES, STEPS = 16, 32, 9, 2
GUIDANCE, TRUE_CFG = 6.0, 2.0

# ---- tokenizers -------------------------------------------------------------------------------------------
LLAMA3 = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+"
          r"|\s+(?!\S)|\s+")
CLIP_PAT = r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"
LLAMA_MERGES = ["Ġ t", "h e", "Ġt he", "i n", "Ġ a", "e r", "o n", "Ġ c", "a t"]
LLAMA_SPECIALS = ["<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>",
                  "<pad>", "<image>"]
CLIP_MERGES = ["t h", "th e</w>", "a t</w>", "c at</w>", "i n", "o n</w>"]


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


BYTE = bytes_to_unicode()


def bpe(symbols, ranks):
    word = list(symbols)
    while len(word) > 1:
        pairs = [(ranks.get((a, b), 1 << 30), i) for i, (a, b) in enumerate(zip(word, word[1:]))]
        best = min(pairs)[0]
        if best == 1 << 30:
            break
        a, b = [m.split(" ") for m in ranks_inv(ranks, best)][0]
        out, i = [], 0
        while i < len(word):
            if i < len(word) - 1 and word[i] == a and word[i + 1] == b:
                out.append(a + b)
                i += 2
            else:
                out.append(word[i])
                i += 1
        word = out
    return word


def ranks_inv(ranks, r):
    return [f"{a} {b}" for (a, b), v in ranks.items() if v == r]


class LlamaTok:
    def __init__(self):
        self.vocab = {BYTE[b]: b for b in range(256)}
        for m in LLAMA_MERGES:
            self.vocab[m.replace(" ", "")] = len(self.vocab)
        self.special = {s: len(self.vocab) + i for i, s in enumerate(LLAMA_SPECIALS)}
        self.ranks = {tuple(m.split(" ")): i for i, m in enumerate(LLAMA_MERGES)}
        self.bos, self.pad = self.special["<|begin_of_text|>"], self.special["<pad>"]

    def content(self, text):
        ids = []
        for piece in regex.split("(" + "|".join(regex.escape(s) for s in LLAMA_SPECIALS) + ")", text):
            if piece in self.special:
                ids.append(self.special[piece])
            elif piece:
                for m in regex.findall(LLAMA3, piece):
                    ids += [self.vocab[t] for t in bpe("".join(BYTE[b] for b in m.encode("utf-8")), self.ranks)]
        return ids

    def encode(self, text):
        return [self.bos] + self.content(text)

    def __call__(self, prompt, max_length=None, padding=None, truncation=False, **kw):
        prompt = [prompt] if isinstance(prompt, str) else prompt
        rows = [self.encode(p) for p in prompt]
        if truncation:
            rows = [r[:max_length] for r in rows]
        n = max_length if padding == "max_length" else max(len(r) for r in rows)
        ids = torch.tensor([r + [self.pad] * (n - len(r)) for r in rows])
        mask = torch.tensor([[1] * len(r) + [0] * (n - len(r)) for r in rows])
        return types.SimpleNamespace(input_ids=ids, attention_mask=mask)

    def convert_tokens_to_ids(self, token):
        return self.special[token]

    def write(self, d):
        os.makedirs(d, exist_ok=True)
        added = [dict(id=i, content=s, single_word=False, lstrip=False, rstrip=False, normalized=False, special=True)
                 for s, i in self.special.items()]
        bos = "<|begin_of_text|>"
        tj = {
            "version": "1.0", "truncation": None, "padding": None, "added_tokens": added, "normalizer": None,
            "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
                {"type": "Split", "pattern": {"Regex": LLAMA3}, "behavior": "Isolated", "invert": False},
                {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False}]},
            "post_processor": {"type": "TemplateProcessing",
                               "single": [{"SpecialToken": {"id": bos, "type_id": 0}},
                                          {"Sequence": {"id": "A", "type_id": 0}}],
                               "pair": [{"SpecialToken": {"id": bos, "type_id": 0}},
                                        {"Sequence": {"id": "A", "type_id": 0}},
                                        {"SpecialToken": {"id": bos, "type_id": 1}},
                                        {"Sequence": {"id": "B", "type_id": 1}}],
                               "special_tokens": {bos: {"id": bos, "ids": [self.bos], "tokens": [bos]}}},
            "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
            "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                      "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False,
                      "vocab": self.vocab, "merges": LLAMA_MERGES},
        }
        with open(os.path.join(d, "tokenizer.json"), "w") as f:
            json.dump(tj, f, ensure_ascii=False)
        mg.write_json(os.path.join(d, "tokenizer_config.json"),
                      {"tokenizer_class": "PreTrainedTokenizerFast", "pad_token": "<pad>", "padding_side": "right"})


class ClipTok:
    def __init__(self):
        self.vocab = {BYTE[b]: b for b in range(256)}
        for b in range(256):
            self.vocab[BYTE[b] + "</w>"] = len(self.vocab)
        for m in CLIP_MERGES:
            self.vocab[m.replace(" ", "")] = len(self.vocab)
        self.vocab["<|startoftext|>"] = len(self.vocab)
        self.vocab["<|endoftext|>"] = len(self.vocab)
        self.bos, self.eos = self.vocab["<|startoftext|>"], self.vocab["<|endoftext|>"]
        self.ranks = {tuple(m.split(" ")): i for i, m in enumerate(CLIP_MERGES)}

    def encode(self, text):
        text = regex.sub(r"\s+", " ", text).strip().lower()
        ids = []
        for m in regex.findall(CLIP_PAT, text):
            chars = [BYTE[b] for b in m.encode("utf-8")]
            chars[-1] += "</w>"
            ids += [self.vocab[t] for t in bpe(chars, self.ranks)]
        return [self.bos] + ids + [self.eos]

    def __call__(self, prompt, padding=None, max_length=None, truncation=False, **kw):
        prompt = [prompt] if isinstance(prompt, str) else prompt
        rows = [self.encode(p) for p in prompt]
        if truncation:
            rows = [r[:max_length - 1] + [self.eos] if len(r) > max_length else r for r in rows]
        n = max_length if padding == "max_length" else max(len(r) for r in rows)
        return types.SimpleNamespace(input_ids=torch.tensor([r + [self.eos] * (n - len(r)) for r in rows]))

    def write(self, d):
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "vocab.json"), "w") as f:
            json.dump(self.vocab, f, ensure_ascii=False)
        with open(os.path.join(d, "merges.txt"), "w") as f:
            f.write("#version: 0.2\n" + "\n".join(CLIP_MERGES) + "\n")
        mg.write_json(os.path.join(d, "tokenizer_config.json"),
                      {"tokenizer_class": "CLIPTokenizer", "pad_token": "<|endoftext|>"})


# ---- models -----------------------------------------------------------------------------------------------
def build_models(llava_mod):
    tok = LlamaTok()
    vocab = len(tok.vocab) + len(tok.special)
    llava_mod.VISION = dict(hidden_size=16, intermediate_size=32, num_hidden_layers=3, num_attention_heads=2,
                            image_size=56, patch_size=14, num_channels=3, hidden_act="quick_gelu",
                            layer_norm_eps=1e-5)
    llava_mod.TEXT = dict(vocab_size=vocab, hidden_size=16, intermediate_size=32, num_hidden_layers=3,
                          num_attention_heads=2, num_key_value_heads=1, hidden_act="silu",
                          max_position_embeddings=2048, rms_norm_eps=1e-5, rope_theta=500000.0, attention_bias=False,
                          mlp_bias=False, tie_word_embeddings=False, pad_token_id=tok.pad, bos_token_id=tok.bos,
                          eos_token_id=tok.special["<|end_of_text|>"])
    llava_mod.LLAVA = dict(image_token_index=tok.special["<image>"], pad_token_id=tok.pad, vision_feature_layer=-2,
                           vision_feature_select_strategy="default", projector_hidden_act="gelu",
                           multimodal_projector_bias=True)
    llava = llava_mod.LlavaForConditionalGeneration()
    mg.reinit_(llava, SEED + 10)
    clip_tok = ClipTok()
    clip_cfg = dict(vocab_size=len(clip_tok.vocab), hidden_size=8, intermediate_size=16, num_hidden_layers=2,
                    num_attention_heads=2, max_position_embeddings=77, hidden_act="quick_gelu", layer_norm_eps=1e-5,
                    projection_dim=8, bos_token_id=clip_tok.bos, eos_token_id=clip_tok.eos, pad_token_id=clip_tok.eos)

    class ClipText(te.CLIPTextModel):
        def __init__(self):
            super().__init__(clip_cfg)
            self.dtype = torch.float32

        def __call__(self, input_ids, output_hidden_states=False):
            r = te.CLIPTextModel.forward(self, input_ids)
            self.captured = input_ids.clone()
            return types.SimpleNamespace(pooler_output=r["pooler_output"])

    clip = ClipText()
    mg.reinit_(clip, SEED + 11)
    return tok, llava, clip_tok, clip, clip_cfg


def clip_image_processor(edge, crop):
    mean = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
    std = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)

    def process(image, return_tensors="pt"):
        img = np.asarray(image.convert("RGB"))
        h, w = img.shape[:2]
        short, long = (w, h) if w <= h else (h, w)
        new_long = int(edge * long / short)
        nh, nw = (new_long, edge) if w <= h else (edge, new_long)
        r = np.asarray(Image.fromarray(img, "RGB").resize((nw, nh), resample=Image.BICUBIC))
        top, left = (nh - crop) // 2, (nw - crop) // 2
        r = r[top:top + crop, left:left + crop]
        x = (r.astype(np.float64) * (1 / 255)).astype(np.float32)
        x = (x - mean) / std
        return types.SimpleNamespace(pixel_values=torch.from_numpy(np.ascontiguousarray(x.transpose(2, 0, 1))[None]))
    return process


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--diffusers-src", required=True)
    args = ap.parse_args()
    mg.D = compat.setup_diffusers(os.path.abspath(args.diffusers_src), stub_transformers=True)
    import make_llava_fixture as llava_mod
    from diffusers.pipelines.hunyuan_video import pipeline_hunyuan_video_image2video as p2v

    spec = __import__("specs").load_spec(os.path.join(HERE, "spec_i2v_token_replace.py"))
    tc = dict(spec["transformer"]["config"], num_layers=1, num_single_layers=1)
    vc = spec["vae"]["config"]
    tok, llava, clip_tok, clip, clip_cfg = build_models(llava_mod)
    assert tc["text_embed_dim"] == llava_mod.TEXT["hidden_size"] and tc["pooled_projection_dim"] == clip_cfg["hidden_size"]
    tr = mg.build_transformer(tc)
    mg.reinit_(tr, SEED + 3)
    vae = mg.build_vae(vc)
    mg.reinit_(vae, SEED + 2)

    # the published template text; its token numbers for this tokenizer (diffusers' are for Llama 3's)
    template = p2v.DEFAULT_PROMPT_TEMPLATE["template"]
    prefix = template[:template.index("{}")]
    prefix_ids = tok.encode(prefix)
    image_len = (llava_mod.VISION["image_size"] // llava_mod.VISION["patch_size"]) ** 2
    image_start = prefix_ids.index(tok.special["<image>"])
    prompt_template = {"template": template, "crop_start": len(prefix_ids), "image_emb_start": image_start,
                       "image_emb_end": image_start + image_len, "image_emb_len": image_len}

    # a smooth 40x24 picture with a disc (not the call's 32x16: both resizes run)
    yy, xx = np.mgrid[0:24, 0:40]
    img = np.stack([xx * 255 // 39, yy * 255 // 23, ((xx + yy) % 7) * 30], -1).astype(np.uint8)
    img[((yy - 10) ** 2 + (xx - 25) ** 2) < 40] = [230, 40, 80]
    image = Image.fromarray(img, "RGB")

    class Pipe(p2v.HunyuanVideoImageToVideoPipeline):
        # the stand-ins are plain nn.Modules without diffusers' `.device`; everything runs on the CPU
        _execution_device = property(lambda self: torch.device("cpu"))

    pipe = Pipe(text_encoder=None, tokenizer=None, transformer=tr, vae=vae,
                                                scheduler=mg.build_scheduler(spec["scheduler"]["config"]),
                                                text_encoder_2=None, tokenizer_2=None, image_processor=None)
    # the stand-ins are not diffusers/transformers classes: set them past register_modules
    object.__setattr__(pipe, "text_encoder", llava)
    object.__setattr__(pipe, "text_encoder_2", clip)
    object.__setattr__(pipe, "tokenizer", tok)
    object.__setattr__(pipe, "tokenizer_2", clip_tok)
    object.__setattr__(pipe, "image_processor", clip_image_processor(56, 56))
    pipe.set_progress_bar_config(disable=True)
    mg.reset_vae_modes(vae)

    encoded = []
    orig_encode = pipe.encode_prompt

    def encode_prompt(**kw):
        r = orig_encode(**kw)
        encoded.append((r, llava.captured["expanded_input_ids"].clone(), clip.captured.clone()))
        return r
    pipe.encode_prompt = encode_prompt
    step_latents, step_t = [], []

    def cb(p, i, t, kw):
        step_latents.append(kw["latents"].detach().clone())
        step_t.append(float(t))
        return {}

    g = mg.gen(SEED + 5)
    lt = (FRAMES - 1) // vc["temporal_compression_ratio"] + 1
    latents = mg.randn((1, vc["latent_channels"], lt, HEIGHT // 8, WIDTH // 8), g)
    video = pipe(image=image, prompt=PROMPT, negative_prompt=NEGATIVE, true_cfg_scale=TRUE_CFG,
                 prompt_template=prompt_template, latents=latents.clone(), height=HEIGHT, width=WIDTH,
                 num_frames=FRAMES, num_inference_steps=STEPS, guidance_scale=GUIDANCE, output_type="pt",
                 callback_on_step_end=cb, callback_on_step_end_tensor_inputs=["latents"], return_dict=False)[0]
    assert len(encoded) == 2, "positive and negative encode_prompt calls"
    (pe, pooled, pm), llama_ids, clip_ids = encoded[0]
    (npe, npooled, npm), _, nclip_ids = encoded[1]
    mg.reset_vae_modes(vae)
    raw = vae.decode(step_latents[-1] / vae.config.scaling_factor).sample

    out = {
        "latents": step_latents[-1].clone(), "step_latents": torch.stack(step_latents),
        "timesteps": torch.tensor(step_t, dtype=torch.float32), "video": video.clone(),
        "video_decoded_raw": raw.clone(),
        # zeroed under the masks: the values at padding depend on the position ids there; the DiT never reads them
        "prompt_embeds": (pe * pm[..., None]).clone(), "prompt_attention_mask": pm.to(torch.int64).clone(),
        "pooled_prompt_embeds": pooled.clone(),
        "negative_prompt_embeds": (npe * npm[..., None]).clone(),
        "negative_prompt_attention_mask": npm.to(torch.int64).clone(),
        "negative_pooled_prompt_embeds": npooled.clone(),
        "llama_input_ids": tok([template.format(PROMPT)], max_length=prompt_template["crop_start"] + 256,
                               padding="max_length", truncation=True).input_ids.clone(),
        "llava_expanded_input_ids": llama_ids.clone(), "clip_input_ids": clip_ids.clone(),
    }
    inputs = {"image": torch.from_numpy(img.astype(np.float32)), "latents": latents}
    weights = {f"transformer.{k}": v for k, v in mg.state_dict_f32(tr).items()}
    weights.update({f"vae.{k}": v for k, v in mg.state_dict_f32(vae).items()})
    weights.update({f"text_encoder.{k}": v for k, v in mg.state_dict_f32(llava).items()})
    weights.update({f"text_encoder_2.{k}": v for k, v in mg.state_dict_f32(clip).items()})
    llava_cfg = {"architectures": ["LlavaForConditionalGeneration"], "model_type": "llava",
                 "vision_config": dict(llava_mod.VISION, model_type="clip_vision_model"),
                 "text_config": te.llama_config_json(llava_mod.TEXT), **llava_mod.LLAVA}
    config = {
        "transformer": mg.diffusers_config_json(tr), "vae": mg.diffusers_config_json(vae),
        "scheduler": json.loads(mg.build_scheduler(spec["scheduler"]["config"]).to_json_string()),
        "text_encoder": llava_cfg, "text_encoder_2": te.clip_config_json(clip_cfg),
        "image_processor": {"image_processor_type": "CLIPImageProcessor", "do_resize": True,
                            "size": {"shortest_edge": 56}, "do_center_crop": True,
                            "crop_size": {"height": 56, "width": 56}, "do_rescale": True, "rescale_factor": 1 / 255,
                            "do_normalize": True, "image_mean": [0.48145466, 0.4578275, 0.40821073],
                            "image_std": [0.26862954, 0.26130258, 0.27577711], "resample": 3},
        "prompt_template": {k: v for k, v in prompt_template.items() if k != "template"},
        "call": {"prompt": PROMPT, "negative_prompt": NEGATIVE, "height": HEIGHT, "width": WIDTH,
                 "num_frames": FRAMES, "num_inference_steps": STEPS, "guidance_scale": GUIDANCE,
                 "true_cfg_scale": TRUE_CFG, "image_embed_interleave": None, "max_sequence_length": 256,
                 "output_type": "pt"},
    }
    body = f"""
# pipeline_i2v_text: `HunyuanVideoImageToVideoPipeline` from prompt text and image (tiny, random weights)

Oracle: diffusers' `HunyuanVideoImageToVideoPipeline.__call__` (oracle commit), EVERY stage its own, including
`encode_prompt` / `_get_llama_prompt_embeds` / `_get_clip_prompt_embeds`. transformers cannot be imported on the
generating machine, so its parts are stand-ins written from transformers' sources: the LLaVA text_encoder is the
plain-torch reference of `tools/golden/make_llava_fixture.py` (LlavaForConditionalGeneration + CLIPVisionModel),
text_encoder_2 the shared CLIP text reference, the image processor CLIPImageProcessor re-done with PIL + numpy,
and the tokenizers tiny byte-level BPE tokenizers whose files are in `tokenizer/` (Llama 3 style, `<image>` added)
and `tokenizer_2/` (CLIP vocab.json + merges.txt), applied by a Python port of HF tokenizers' byte-level BPE.
Made by hunyuan4j's `tools/golden/make_i2v_text_pipeline.py`.

Call: `pipe(image=<inputs.image as an 8-bit RGB PIL image, 40x24>, prompt={PROMPT!r}, negative_prompt={NEGATIVE!r},
true_cfg_scale={TRUE_CFG}, prompt_template=<the published template text with config.prompt_template's numbers>,
latents=inputs.latents, height={HEIGHT}, width={WIDTH}, num_frames={FRAMES}, num_inference_steps={STEPS},
guidance_scale={GUIDANCE}, output_type="pt")`; the transformer is `image_condition_type="token_replace"`
(`image_embed_interleave` 4 for the prompt; the negative prompt is encoded with diffusers' black
{WIDTH}x{HEIGHT} image and interleave 2, the `encode_prompt` default).

* `config.prompt_template`: `crop_start` = tokens before the user text (BOS and `<image>` included),
  `image_emb_start` = the index of `<image>`, `image_emb_len` = ({llava_mod.VISION['image_size']} / {llava_mod.VISION['patch_size']})^2
  (diffusers' 103 / 5 / 576 hold for the Llama 3 tokenizer and CLIP ViT-L/14-336 only).
* `weights.safetensors`: prefixes `transformer.`, `vae.`, `text_encoder.` (the published LLaVA names),
  `text_encoder_2.` (CLIPTextModel names).
* Outputs: the pipeline's `latents`, `step_latents`, `timesteps`, `video_decoded_raw`, `video` [1, F, 3, H, W];
  what `encode_prompt` returned for the prompt and the negative prompt (`*prompt_embeds` zeroed under their
  masks), and the token ids: `llama_input_ids` (the template-formatted prompt, padded to crop_start + 256),
  `llava_expanded_input_ids` (the prompt's, after `<image>` expansion), `clip_input_ids` (77).
"""
    mg.save_component(args.out, "pipeline_i2v_text", config, weights, inputs, out, body, {})
    d = os.path.join(args.out, "pipeline_i2v_text")
    tok.write(os.path.join(d, "tokenizer"))
    clip_tok.write(os.path.join(d, "tokenizer_2"))
    mg.write_json(os.path.join(args.out, "provenance.json"), {
        "set": "i2v-text", "diffusers_commit": mg.git_commit(args.diffusers_src),
        "diffusers_version": mg.D.__version__, "torch_version": torch.__version__,
        "generator": "tools/golden/make_i2v_text_pipeline.py"})


if __name__ == "__main__":
    main()
