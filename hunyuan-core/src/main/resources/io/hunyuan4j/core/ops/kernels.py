class Kernels(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  def forward(self: __torch__.Kernels,
    x: Tensor) -> Tensor:
    return x
  def sdpa(self: __torch__.Kernels,
    q: Tensor,
    k: Tensor,
    v: Tensor) -> Tensor:
    return torch.scaled_dot_product_attention(q, k, v, None, 0., False)
  def sdpa_causal(self: __torch__.Kernels,
    q: Tensor,
    k: Tensor,
    v: Tensor) -> Tensor:
    return torch.scaled_dot_product_attention(q, k, v, None, 0., True)
  def sdpa_mask(self: __torch__.Kernels,
    q: Tensor,
    k: Tensor,
    v: Tensor,
    mask: Tensor) -> Tensor:
    if torch.eq(ops.prim.dtype(mask), 11):
      m = mask
    else:
      if torch.eq(ops.prim.dtype(mask), ops.prim.dtype(q)):
        m = mask
      else:
        m = torch.to(torch.clamp(mask, -3.38e38, 3.38e38), ops.prim.dtype(q))
    return torch.scaled_dot_product_attention(q, k, v, m, 0., False)
  def sdpa_mask_causal(self: __torch__.Kernels,
    q: Tensor,
    k: Tensor,
    v: Tensor,
    mask: Tensor) -> Tensor:
    causal = torch.tril(torch.ones([torch.size(q, 2), torch.size(k, 2)], dtype=11, layout=None, device=ops.prim.device(q), pin_memory=None))
    if torch.eq(ops.prim.dtype(mask), 11):
      m = torch.logical_and(mask, causal)
    else:
      filled = torch.masked_fill(torch.clamp(mask, -3.38e38, 3.38e38), torch.logical_not(causal), -inf)
      m = torch.to(filled, ops.prim.dtype(q))
    return torch.scaled_dot_product_attention(q, k, v, m, 0., False)
  def attn_bf16_chunked(self: __torch__.Kernels,
    q: Tensor,
    k: Tensor,
    v: Tensor,
    scale: Tensor,
    chunk: Tensor) -> Tensor:
    return (self).attn_bf16_chunked_safe(q, k, v, None, scale, chunk)
  def attn_bf16_chunked_mask(self: __torch__.Kernels,
    q: Tensor,
    k: Tensor,
    v: Tensor,
    mask: Tensor,
    scale: Tensor,
    chunk: Tensor) -> Tensor:
    return (self).attn_bf16_chunked_safe(q, k, v, torch.to(torch.clamp(mask, -3.38e38, 3.38e38), 15), scale, chunk)
  def attn_bf16_chunked_safe(self: __torch__.Kernels,
    q: Tensor,
    k: Tensor,
    v: Tensor,
    mask: Optional[Tensor],
    scale: Tensor,
    chunk: Tensor) -> Tensor:
    c = int(chunk)
    qs = torch.mul(q, float(scale))
    lq = torch.size(q, 2)
    kt = torch.contiguous(torch.transpose(k, 2, 3))
    parts = annotate(List[Tensor], [])
    for i in range(torch.floordiv(torch.add(lq, torch.sub(c, 1)), c)):
      s0 = torch.mul(i, c)
      qc = torch.slice(qs, 2, s0, torch.add(s0, c))
      s = torch.matmul(qc, kt)
      if torch.__isnot__(mask, None):
        m0 = unchecked_cast(Tensor, mask)
        if torch.gt(torch.size(m0, 2), 1):
          m1 = torch.slice(m0, 2, s0, torch.add(s0, c))
        else:
          m1 = m0
        s2 = torch.add_(s, m1)
      else:
        s2 = s
      _0 = torch.append(parts, torch.matmul(torch.softmax(s2, -1, None), v))
    return torch.cat(parts, 2)
  def rms_norm(self: __torch__.Kernels,
    x: Tensor,
    w: Tensor,
    eps: Tensor) -> Tensor:
    y = torch.rms_norm(x, [torch.size(x, -1)], None, float(eps))
    return torch.to(torch.mul(y, w), ops.prim.dtype(x))
  def rms_norm_plain(self: __torch__.Kernels,
    x: Tensor,
    eps: Tensor) -> Tensor:
    return torch.rms_norm(x, [torch.size(x, -1)], None, float(eps))
  def layer_norm(self: __torch__.Kernels,
    x: Tensor,
    eps: Tensor) -> Tensor:
    return torch.layer_norm(x, [torch.size(x, -1)], None, None, float(eps), False)
  def layer_norm_affine(self: __torch__.Kernels,
    x: Tensor,
    w: Tensor,
    b: Tensor,
    eps: Tensor) -> Tensor:
    dt = ops.prim.dtype(x)
    return torch.layer_norm(x, [torch.size(x, -1)], torch.to(w, dt), torch.to(b, dt), float(eps), False)
  def group_norm(self: __torch__.Kernels,
    x: Tensor,
    groups: Tensor,
    w: Tensor,
    b: Tensor,
    eps: Tensor) -> Tensor:
    dt = ops.prim.dtype(x)
    return torch.group_norm(x, int(groups), torch.to(w, dt), torch.to(b, dt), float(eps), False)
  def group_norm_plain(self: __torch__.Kernels,
    x: Tensor,
    groups: Tensor,
    eps: Tensor) -> Tensor:
    return torch.group_norm(x, int(groups), None, None, float(eps), False)
  def gelu_tanh(self: __torch__.Kernels,
    x: Tensor) -> Tensor:
    return torch.gelu(x, approximate="tanh")
  def pad_replicate(self: __torch__.Kernels,
    x: Tensor,
    pads: Tensor) -> Tensor:
    p = annotate(List[int], [])
    for i in range(torch.size(pads, 0)):
      _0 = torch.append(p, int(torch.select(pads, 0, i)))
    return torch.pad(x, p, "replicate")
  def upsample_nearest3d(self: __torch__.Kernels,
    x: Tensor,
    size: Tensor) -> Tensor:
    s = [int(torch.select(size, 0, 0)), int(torch.select(size, 0, 1)), int(torch.select(size, 0, 2))]
    return torch.upsample_nearest3d(x, s, None)
  def linear(self: __torch__.Kernels,
    x: Tensor,
    w: Tensor,
    b: Tensor) -> Tensor:
    dt = ops.prim.dtype(w)
    y = torch.linear(torch.to(x, dt), w, torch.to(b, dt))
    return torch.to(y, ops.prim.dtype(x))
  def linear_nobias(self: __torch__.Kernels,
    x: Tensor,
    w: Tensor) -> Tensor:
    y = torch.linear(torch.to(x, ops.prim.dtype(w)), w)
    return torch.to(y, ops.prim.dtype(x))
  def softmax(self: __torch__.Kernels,
    x: Tensor,
    dim: Tensor) -> Tensor:
    return torch.to(torch.softmax(x, int(dim), 6), ops.prim.dtype(x))
  def to_bf16(self: __torch__.Kernels,
    x: Tensor) -> Tensor:
    return torch.to(x, 15)
  def to_f32(self: __torch__.Kernels,
    x: Tensor) -> Tensor:
    return torch.to(x, 6)
  def bf16_bits_to_bf16(self: __torch__.Kernels,
    x: Tensor) -> Tensor:
    return torch.view_copy(x, dtype=15)
  def zeros_like(self: __torch__.Kernels,
    x: Tensor) -> Tensor:
    return torch.zeros_like(x)
  def ones_like(self: __torch__.Kernels,
    x: Tensor) -> Tensor:
    return torch.ones_like(x)
  def conv3d(self: __torch__.Kernels,
    x: Tensor,
    w: Tensor,
    b: Tensor,
    stride: Tensor,
    padding: Tensor) -> Tensor:
    return (self).conv3d_safe(x, w, torch.to(b, ops.prim.dtype(w)), stride, padding)
  def conv3d_nobias(self: __torch__.Kernels,
    x: Tensor,
    w: Tensor,
    stride: Tensor,
    padding: Tensor) -> Tensor:
    return (self).conv3d_safe(x, w, None, stride, padding)
  def conv2d(self: __torch__.Kernels,
    x: Tensor,
    w: Tensor,
    b: Tensor,
    stride: Tensor,
    padding: Tensor) -> Tensor:
    y = (self).conv3d_safe(torch.unsqueeze(x, 2), torch.unsqueeze(w, 2), torch.to(b, ops.prim.dtype(w)), stride, padding)
    return torch.squeeze(y, 2)
  def conv2d_nobias(self: __torch__.Kernels,
    x: Tensor,
    w: Tensor,
    stride: Tensor,
    padding: Tensor) -> Tensor:
    y = (self).conv3d_safe(torch.unsqueeze(x, 2), torch.unsqueeze(w, 2), None, stride, padding)
    return torch.squeeze(y, 2)
  def conv3d_f32(self: __torch__.Kernels,
    x: Tensor,
    w: Tensor,
    b: Tensor,
    stride: Tensor,
    padding: Tensor,
    tf32: Tensor) -> Tensor:
    return (self).conv_f32(x, w, b, stride, padding, tf32)
  def conv3d_f32_nobias(self: __torch__.Kernels,
    x: Tensor,
    w: Tensor,
    stride: Tensor,
    padding: Tensor,
    tf32: Tensor) -> Tensor:
    return (self).conv_f32(x, w, None, stride, padding, tf32)
  def conv2d_f32(self: __torch__.Kernels,
    x: Tensor,
    w: Tensor,
    b: Tensor,
    stride: Tensor,
    padding: Tensor,
    tf32: Tensor) -> Tensor:
    return (self).conv_f32(x, w, b, stride, padding, tf32)
  def conv2d_f32_nobias(self: __torch__.Kernels,
    x: Tensor,
    w: Tensor,
    stride: Tensor,
    padding: Tensor,
    tf32: Tensor) -> Tensor:
    return (self).conv_f32(x, w, None, stride, padding, tf32)
  def conv_f32(self: __torch__.Kernels,
    x: Tensor,
    w: Tensor,
    b: Optional[Tensor],
    stride: Tensor,
    padding: Tensor,
    tf32: Tensor) -> Tensor:
    s = annotate(List[int], [])
    p = annotate(List[int], [])
    d = annotate(List[int], [])
    op = annotate(List[int], [])
    for i in range(torch.size(stride, 0)):
      _0 = torch.append(s, int(torch.select(stride, 0, i)))
      _1 = torch.append(p, int(torch.select(padding, 0, i)))
      _2 = torch.append(d, 1)
      _3 = torch.append(op, 0)
    allow = torch.ne(int(tf32), 0)
    return torch._convolution(x, w, b, s, p, d, False, op, 1, False, False, True, allow)
  def conv3d_safe(self: __torch__.Kernels,
    x: Tensor,
    w: Tensor,
    b: Optional[Tensor],
    stride: Tensor,
    padding: Tensor) -> Tensor:
    dt = ops.prim.dtype(w)
    xc = torch.to(x, dt)
    s = [int(torch.select(stride, 0, 0)), int(torch.select(stride, 0, 1)), int(torch.select(stride, 0, 2))]
    p = [int(torch.select(padding, 0, 0)), int(torch.select(padding, 0, 1)), int(torch.select(padding, 0, 2))]
    o = torch.size(w, 0)
    c = torch.size(w, 1)
    kt = torch.size(w, 2)
    kh = torch.size(w, 3)
    kw = torch.size(w, 4)
    patches = torch.eq(s, [kt, kh, kw]) and torch.eq(p, [0, 0, 0]) and torch.gt(kt * kh * kw, 1)
    if patches:
      n = torch.size(xc, 0)
      t = torch.floordiv(torch.size(xc, 2), kt)
      h = torch.floordiv(torch.size(xc, 3), kh)
      wd = torch.floordiv(torch.size(xc, 4), kw)
      xs = torch.slice(torch.slice(torch.slice(xc, 2, 0, t * kt), 3, 0, h * kh), 4, 0, wd * kw)
      xv = torch.reshape(xs, [n, c, t, kt, h, kh, wd, kw])
      cols = torch.reshape(torch.permute(xv, [0, 2, 4, 6, 1, 3, 5, 7]), [n * t * h * wd, c * kt * kh * kw])
      y0 = torch.linear(cols, torch.reshape(w, [o, c * kt * kh * kw]), b)
      y = torch.permute(torch.reshape(y0, [n, t, h, wd, o]), [0, 4, 1, 2, 3])
    else:
      pc = torch.remainder(16 - torch.remainder(c, 16), 16)
      po = torch.remainder(16 - torch.remainder(o, 16), 16)
      xp = xc
      wp = w
      if torch.gt(pc, 0):
        xp = torch.constant_pad_nd(xc, [0, 0, 0, 0, 0, 0, 0, pc], 0.)
        wp = torch.constant_pad_nd(wp, [0, 0, 0, 0, 0, 0, 0, pc], 0.)
      bp = b
      if torch.gt(po, 0):
        wp = torch.constant_pad_nd(wp, [0, 0, 0, 0, 0, 0, 0, 0, 0, po], 0.)
        if torch.__isnot__(b, None):
          b0 = unchecked_cast(Tensor, b)
          bp = torch.constant_pad_nd(b0, [0, po], 0.)
        else:
          bp = b
      y1 = torch.conv3d(xp, wp, bp, s, p, [1, 1, 1], 1)
      if torch.gt(po, 0):
        y = torch.contiguous(torch.slice(y1, 1, 0, o))
      else:
        y = y1
    return torch.to(y, ops.prim.dtype(x))
