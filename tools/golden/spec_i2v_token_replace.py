"""I2V set 'i2v-token_replace': HunyuanVideo-I2V's layout in small (in = out = 4 channels, guidance embeds,
first-frame tokens modulated by token_replace_emb), batch 2 with uneven padding, 3 latent frames, non-square."""
import inspect
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(inspect.currentframe().f_code.co_filename)))
from heldout_parts import i2v_spec  # noqa: E402

SPEC = i2v_spec("i2v-token_replace", 1617, "token_replace", in_channels=4, guidance_embeds=True,
                valid_tokens=[5, 7], timestep=[800.0, 120.0], guidance=[6000.0, 3000.0])
