#!/usr/bin/python3
"""Fixture `text_llava` (issue #16): HunyuanVideo-I2V's prompt encoder, a LLaVA (CLIP vision tower + multimodal
projector + Llama) run on a template with an <image> token, assembled into prompt embeddings by diffusers'
own `HunyuanVideoImageToVideoPipeline._get_llama_prompt_embeds` (oracle commit): image-token expansion, the
template and assistant crops, and `image_embed_interleave`.

transformers cannot be imported here (torch 1.13, no PyPI), so the LLaVA model is a SELF-WRITTEN plain-torch
reference of transformers' `LlavaForConditionalGeneration` (models/llava/modeling_llava.py) and `CLIPVisionModel`
(models/clip/modeling_clip.py), written from those files, with their parameter names in the layout of the
published checkpoint (`vision_tower.vision_model.*`, `multi_modal_projector.*`, `language_model.model.*`,
`language_model.lm_head.weight`). The Llama decoder layers are the shared references of
../shared/golden/tools/text_encoders.py. The tokenizer and CLIPImageProcessor are stubs returning fixed ids
and pixels (the fixture's inputs).

    /usr/bin/python3 tools/golden/make_llava_fixture.py --out hunyuan-golden/src/test/resources/golden-sets/i2v/llava \
        --diffusers-src /tmp/diffusers/src
"""
import argparse
import os
import sys
import types

TOOLS = os.environ.get("GOLDEN_TOOLS",
                       os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared",
                                    "golden", "tools"))
sys.path.insert(0, os.path.abspath(TOOLS))

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import compat  # noqa: E402
import make_golden as mg  # noqa: E402
import text_encoders as te  # noqa: E402

VISION = dict(hidden_size=16, intermediate_size=32, num_hidden_layers=3, num_attention_heads=2, image_size=28,
              patch_size=14, num_channels=3, hidden_act="quick_gelu", layer_norm_eps=1e-5)
TEXT = dict(vocab_size=300, hidden_size=24, intermediate_size=40, num_hidden_layers=4, num_attention_heads=3,
            num_key_value_heads=1, hidden_act="silu", max_position_embeddings=128, rms_norm_eps=1e-5,
            rope_theta=500000.0, attention_bias=False, mlp_bias=False, tie_word_embeddings=False, pad_token_id=0,
            bos_token_id=1, eos_token_id=2)
LLAVA = dict(image_token_index=9, pad_token_id=0, vision_feature_layer=-2, vision_feature_select_strategy="default",
             projector_hidden_act="gelu", multimodal_projector_bias=True)
BOS, SH, EH, EOT, NL, IMG, PAD = 1, 5, 6, 7, 8, 9, 0
SYSTEM, USER, ASSISTANT = 20, 21, 22
CROP_START = 15  # template tokens before the user prompt: bos sh system eh nl <image> nl w w w w eot sh user eh
MAX_SEQUENCE_LENGTH = 10
PROMPTS = [[101, 102, 103], [111, 112, 113, 114, 115, 116]]


# ---- CLIP vision (transformers CLIPVisionModel) ------------------------------------------------------------
class CLIPVisionEmbeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.class_embedding = nn.Parameter(torch.randn(c["hidden_size"]))
        self.patch_embedding = nn.Conv2d(c["num_channels"], c["hidden_size"], kernel_size=c["patch_size"],
                                         stride=c["patch_size"], bias=False)
        self.num_positions = (c["image_size"] // c["patch_size"]) ** 2 + 1
        self.position_embedding = nn.Embedding(self.num_positions, c["hidden_size"])

    def forward(self, pixel_values):
        b = pixel_values.shape[0]
        patch_embeds = self.patch_embedding(pixel_values).flatten(2).transpose(1, 2)  # [B, P, D]
        class_embeds = self.class_embedding.expand(b, 1, -1)
        embeddings = torch.cat([class_embeds, patch_embeds], dim=1)
        return embeddings + self.position_embedding(torch.arange(self.num_positions)[None])


class CLIPVisionTransformer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embeddings = CLIPVisionEmbeddings(c)
        self.pre_layrnorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])
        self.encoder = te.CLIPEncoder(c)
        self.post_layernorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])

    def forward(self, pixel_values):
        x = self.pre_layrnorm(self.embeddings(pixel_values))
        mask = torch.zeros(1, 1, x.shape[1], x.shape[1])  # no mask: every patch sees every patch
        hs = [x]
        for layer in self.encoder.layers:
            x = layer(x, mask)
            hs.append(x)
        return {"hidden_states": hs, "last_hidden_state": x, "pooler_output": self.post_layernorm(x[:, 0])}


class CLIPVisionModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.vision_model = CLIPVisionTransformer(c)

    def forward(self, pixel_values):
        return self.vision_model(pixel_values)


# ---- LLaVA (transformers LlavaForConditionalGeneration, eager) -------------------------------------------
class LlavaMultiModalProjector(nn.Module):
    def __init__(self, vision_hidden, text_hidden):
        super().__init__()
        self.linear_1 = nn.Linear(vision_hidden, text_hidden, bias=True)
        self.linear_2 = nn.Linear(text_hidden, text_hidden, bias=True)

    def forward(self, image_features):
        return self.linear_2(F.gelu(self.linear_1(image_features)))  # projector_hidden_act "gelu": exact erf


class LanguageModel(nn.Module):
    """LlamaForCausalLM's parameters (`model.*`, `lm_head`); forward from inputs_embeds and position_ids."""

    def __init__(self, c):
        super().__init__()
        self.model = te.LlamaModel(c)
        self.lm_head = nn.Linear(c["hidden_size"], c["vocab_size"], bias=False)

    def forward(self, inputs_embeds, attention_mask, position_ids):
        m = self.model
        L = inputs_embeds.shape[1]
        cos, sin = te.llama_rope(m.cfg, position_ids)
        allowed = torch.ones(L, L, dtype=torch.bool).tril()[None, None] & attention_mask.bool()[:, None, None, :]
        mask = torch.zeros(inputs_embeds.shape[0], 1, L, L).masked_fill(~allowed, torch.finfo(torch.float32).min)
        x = inputs_embeds
        hs = [x]
        for layer in m.layers:
            x = layer(x, cos, sin, mask)
            hs.append(x)
        hs[-1] = m.norm(x)
        return hs


class LlavaForConditionalGeneration(nn.Module):
    def __init__(self):
        super().__init__()
        self.vision_tower = CLIPVisionModel(VISION)
        self.multi_modal_projector = LlavaMultiModalProjector(VISION["hidden_size"], TEXT["hidden_size"])
        self.language_model = LanguageModel(TEXT)
        self.config = types.SimpleNamespace(**LLAVA)
        self.dtype = torch.float32
        self.captured = {}

    def get_image_features(self, pixel_values):
        hs = self.vision_tower(pixel_values)["hidden_states"]
        selected = hs[LLAVA["vision_feature_layer"]][:, 1:]  # "default": drop the CLS token
        return self.multi_modal_projector(selected)

    def __call__(self, input_ids, attention_mask, position_ids, pixel_values, output_hidden_states):
        inputs_embeds = self.language_model.model.embed_tokens(input_ids)
        image_features = self.get_image_features(pixel_values)
        special = (input_ids == LLAVA["image_token_index"]).unsqueeze(-1).expand_as(inputs_embeds)
        inputs_embeds = inputs_embeds.masked_scatter(special, image_features.to(inputs_embeds.dtype))
        self.captured.update(image_features=image_features, expanded_input_ids=input_ids,
                             expanded_attention_mask=attention_mask, position_ids=position_ids)
        hs = self.language_model(inputs_embeds, attention_mask, position_ids)
        self.captured["hidden_state"] = hs[-3]
        return types.SimpleNamespace(hidden_states=tuple(hs))


def token_ids():
    rows, masks = [], []
    L = CROP_START + MAX_SEQUENCE_LENGTH
    for p in PROMPTS:
        ids = [BOS, SH, SYSTEM, EH, NL, IMG, NL, 30, 31, 32, 33, EOT, SH, USER, EH] + p + [EOT, SH, ASSISTANT, EH]
        assert ids.index(IMG) == 5 and len(ids) - len(p) - 4 == CROP_START
        masks.append([1] * len(ids) + [0] * (L - len(ids)))
        rows.append(ids + [PAD] * (L - len(ids)))
    return torch.tensor(rows), torch.tensor(masks)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--diffusers-src", required=True)
    args = ap.parse_args()
    mg.D = compat.setup_diffusers(os.path.abspath(args.diffusers_src), stub_transformers=True)
    from diffusers.pipelines.hunyuan_video.pipeline_hunyuan_video_image2video import \
        HunyuanVideoImageToVideoPipeline
    torch.manual_seed(0)
    model = LlavaForConditionalGeneration()
    mg.reinit_(model, 1616)
    weights = mg.state_dict_f32(model)
    ids, mask = token_ids()
    g = mg.gen(1717)
    # one image per prompt (what a list of two images gives), CLIP-normalised
    pixel_values = mg.randn((2, 3, VISION["image_size"], VISION["image_size"]), g)
    image_len = (VISION["image_size"] // VISION["patch_size"]) ** 2
    template = {"template": "{}", "crop_start": CROP_START, "image_emb_start": 5, "image_emb_end": 5 + image_len,
                "image_emb_len": image_len}
    tokenizer = types.SimpleNamespace(convert_tokens_to_ids=lambda t: {"<|end_header_id|>": EH}[t])

    def tokenize(prompt, **kw):
        assert kw["max_length"] == CROP_START + MAX_SEQUENCE_LENGTH
        return types.SimpleNamespace(input_ids=ids.clone(), attention_mask=mask.clone())

    fake = types.SimpleNamespace(
        tokenizer=types.SimpleNamespace(__call__=tokenize),
        image_processor=lambda image, return_tensors: types.SimpleNamespace(pixel_values=pixel_values.clone()),
        text_encoder=model, _execution_device=torch.device("cpu"))
    fake.tokenizer = type("Tok", (), {"__call__": staticmethod(tokenize),
                                      "convert_tokens_to_ids": staticmethod(tokenizer.convert_tokens_to_ids)})()
    outs = {}
    for interleave in (2, 4):
        embeds, pmask = HunyuanVideoImageToVideoPipeline._get_llama_prompt_embeds(
            fake, None, ["a", "b"], template, device=torch.device("cpu"), dtype=torch.float32,
            max_sequence_length=MAX_SEQUENCE_LENGTH, num_hidden_layers_to_skip=2, image_embed_interleave=interleave)
        # zeroed under the mask: values at padding depend on the position ids there (1, not the index)
        outs[f"prompt_embeds.interleave{interleave}"] = (embeds * pmask[..., None]).clone()
        outs[f"prompt_attention_mask.interleave{interleave}"] = pmask.to(torch.int64).clone()
    for k, v in model.captured.items():
        outs[k] = v.clone()
    outs["hidden_state"] = outs["hidden_state"] * outs["expanded_attention_mask"][..., None]
    inputs = {"input_ids": ids, "attention_mask": mask, "pixel_values": pixel_values}
    config = {"vision_config": VISION, "text_config": TEXT, **LLAVA,
              "prompt_template": {k: v for k, v in template.items() if k != "template"},
              "max_sequence_length": MAX_SEQUENCE_LENGTH, "num_hidden_layers_to_skip": 2, "end_header_token_id": EH}
    body = f"""
# text_llava: HunyuanVideo-I2V's LLaVA prompt encoder (tiny, random weights)

transformers cannot be imported on the generating machine, so the LLaVA model is a SELF-WRITTEN plain-torch
reference of transformers' `LlavaForConditionalGeneration` and `CLIPVisionModel`, written from
models/llava/modeling_llava.py and models/clip/modeling_clip.py (eager attention), with the published
checkpoint's parameter names; the prompt assembly is diffusers' own
`HunyuanVideoImageToVideoPipeline._get_llama_prompt_embeds` (oracle commit), called with stub tokenizer and
image processor that return `input_ids`/`attention_mask` and `pixel_values` below. Made by hunyuan4j's
`tools/golden/make_llava_fixture.py`.

* Vision tower: CLIP ViT, hidden {VISION['hidden_size']}, {VISION['num_hidden_layers']} layers, image
  {VISION['image_size']}, patch {VISION['patch_size']} -> {image_len} patches + CLS; features =
  `hidden_states[-2][:, 1:]` (vision_feature_layer -2, strategy "default"), projector linear_1 -> gelu -> linear_2.
* Language model: Llama hidden {TEXT['hidden_size']}, {TEXT['num_hidden_layers']} layers; the image token
  {LLAVA['image_token_index']} at position 5 is expanded to {image_len} positions, filled with the image features
  (masked_scatter); `position_ids = cumsum(mask) - 1` (1 at padding); output `hidden_states[-3]`.
* Template ids (per row): bos sh system eh nl <image> nl w w w w eot sh user eh | prompt | eot sh assistant eh | pad;
  crop_start {CROP_START}, max_sequence_length {MAX_SEQUENCE_LENGTH}, prompts of {[len(p) for p in PROMPTS]} tokens.
* Outputs: `image_features` [2, {image_len}, {TEXT['hidden_size']}], the expanded ids/mask/position ids,
  `hidden_state` (the Llama output before assembly), and `prompt_embeds.interleave<k>` /
  `prompt_attention_mask.interleave<k>` for image_embed_interleave 2 and 4 (`cat([image_embeds[:, ::k],
  text_embeds], 1)` after the crops). `hidden_state` and `prompt_embeds.*` are multiplied by their attention
  masks (zero at padding): the values there depend on the position ids the pipeline gives padding (1), and the
  transformer never reads them.
"""
    mg.save_component(args.out, "text_llava", config, weights, inputs, outs, body, {})


if __name__ == "__main__":
    main()
