# Held-out BERT / mT5 encoder set (hunyuan4j helper "text"): batch 3 with uneven right padding; BERT with
# 2 heads x 12 (hidden 24), 2 layers; mT5 with inner dim (2 x 16 = 32) different from d_model (24), 8 buckets
# and max_distance 12 (log range and clamp both hit within L = 20).
SPEC = {
    "name": "text_heldout",
    "seed": 31337,
    "text_bert": {
        "config": dict(vocab_size=140, hidden_size=24, num_hidden_layers=2, num_attention_heads=2,
                       intermediate_size=40, hidden_act="gelu", max_position_embeddings=30, type_vocab_size=2,
                       layer_norm_eps=1e-12, pad_token_id=0),
        "batch": 3,
        "seq_len": 12,
        "lengths": [12, 3, 7],
        "cls_id": 101,
        "sep_id": 102,
    },
    "text_mt5": {
        "config": dict(vocab_size=150, d_model=24, d_kv=16, d_ff=36, num_layers=2, num_decoder_layers=2,
                       num_heads=2, relative_attention_num_buckets=8, relative_attention_max_distance=12,
                       feed_forward_proj="gated-gelu", layer_norm_epsilon=1e-6, pad_token_id=0, eos_token_id=1),
        "batch": 3,
        "seq_len": 20,
        "lengths": [20, 2, 13],
    },
}
