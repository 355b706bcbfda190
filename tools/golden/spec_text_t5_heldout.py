# Held-out T5 v1.1 encoder set (hunyuan4j helper "text"): batch 3, uneven padding, inner dim (heads*d_kv=30)
# different from d_model (24), 16 buckets with max_distance 20 so the log range and the clamp are both hit.
SPEC = {
    "name": "text_t5_heldout",
    "seed": 7,
    "text_t5": {
        "config": dict(vocab_size=96, d_model=24, d_kv=10, d_ff=40, num_layers=2, num_heads=3,
                       relative_attention_num_buckets=16, relative_attention_max_distance=20,
                       layer_norm_epsilon=1e-6, feed_forward_proj="gated-gelu", pad_token_id=0, eos_token_id=1),
        "batch": 3,
        "seq_len": 30,
        "valid_tokens": [30, 5, 17],
        "bucket_table_range": 64,
    },
}
