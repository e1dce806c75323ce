#!/usr/bin/python3
"""The PyTorch side of the benchmark: what a researcher would run instead of the module.

Started by LrePowerShell.Bench, it answers one JSON request per stdin line with one JSON line on
stdout, so the two sides can alternate repetitions in one run on a shared machine. Each answer
carries the seconds the work took inside this process and a few numbers ("check") that the bench
compares with its own, so both sides are known to compute the same thing on the same weights.

The model is GPT-2 written the plain way (one nn.Module per block, manual causal softmax,
left padding with an attention mask and HF's position ids), loaded from the very safetensors file
the bench wrote. Jacobians use torch.autograd.functional.jacobian(vectorize=True), the LRE paper's
method. Needs Debian's python3-torch with libopenblas0-pthread; installs nothing.

    python3 torch_side.py                 serve requests on stdin
    python3 torch_side.py --load FILE     read a safetensors file into fresh tensors, one copy in
                                          memory as torch.load does with a checkpoint; print seconds
                                          and peak RSS
"""
import json
import math
import mmap
import resource
import struct
import sys
import time

import torch

DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}


def read_safetensors(path):
    """name -> tensor from a safetensors file, views of one copy-on-write mmap (as ours)."""
    with open(path, "rb") as f:
        mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_COPY)
    n = struct.unpack("<Q", mm[:8])[0]
    header = json.loads(mm[8:8 + n])
    header.pop("__metadata__", None)
    out = {}
    for name, e in header.items():
        dtype = DTYPES[e["dtype"]]
        begin, end = e["data_offsets"]
        count = (end - begin) // torch.tensor([], dtype=dtype).element_size()
        t = torch.frombuffer(mm, dtype=dtype, count=count, offset=8 + n + begin).view(e["shape"])
        out[name] = t
    return out, mm


class Block(torch.nn.Module):
    def __init__(self, w, p, heads, eps):
        super().__init__()
        self.heads, self.eps, self.w = heads, eps, {k[len(p):]: v for k, v in w.items() if k.startswith(p)}

    def ln(self, x, name):
        return torch.nn.functional.layer_norm(x, x.shape[-1:], self.w[name + ".weight"], self.w[name + ".bias"], self.eps)

    def conv1d(self, x, name):            # GPT-2 stores [in, out]
        return torch.addmm(self.w[name + ".bias"], x.reshape(-1, x.shape[-1]), self.w[name + ".weight"]).view(*x.shape[:-1], -1)

    def forward(self, x, bias):
        B, T, C = x.shape
        hd = C // self.heads
        q, k, v = self.conv1d(self.ln(x, "ln_1"), "attn.c_attn").split(C, dim=2)
        q, k, v = (t.view(B, T, self.heads, hd).transpose(1, 2) for t in (q, k, v))
        att = ((q @ k.transpose(-2, -1)).float() / math.sqrt(hd) + bias).softmax(-1).to(v.dtype)
        x = x + self.conv1d((att @ v).transpose(1, 2).reshape(B, T, C), "attn.c_proj")
        h = torch.nn.functional.gelu(self.conv1d(self.ln(x, "ln_2"), "mlp.c_fc"), approximate="tanh")
        return x + self.conv1d(h, "mlp.c_proj")


class Gpt2:
    def __init__(self, folder, dtype):
        cfg = json.load(open(folder + "/config.json"))
        w, self._mm = read_safetensors(folder + "/model.safetensors")
        w = {k.removeprefix("transformer."): v.to(dtype) for k, v in w.items()}
        self.w, self.dtype, self.eps = w, dtype, cfg["layer_norm_epsilon"]
        self.blocks = [Block(w, f"h.{i}.", cfg["n_head"], self.eps) for i in range(cfg["n_layer"])]

    def embed(self, ids, mask):
        pos = (mask.cumsum(1) - 1).clamp_min(0)
        return self.w["wte.weight"][ids] + self.w["wpe.weight"][pos]

    @staticmethod
    def bias(mask):
        """Additive [B, 1, T, T] mask: causal and no padded keys (HF's finfo.min, so rows stay finite)."""
        T = mask.shape[1]
        ok = torch.tril(torch.ones(T, T, dtype=torch.bool)) & mask.bool()[:, None, None, :]
        return torch.zeros(ok.shape).masked_fill(~ok, torch.finfo(torch.float32).min)

    def logits(self, x):
        x = torch.nn.functional.layer_norm(x, x.shape[-1:], self.w["ln_f.weight"], self.w["ln_f.bias"], self.eps)
        return (x @ self.w["wte.weight"].T).float()

    def run(self, ids, mask, upto=None, hidden=False):
        """Blocks 0..upto (all when None); with hidden, every block output as well (the seed's
        output_hidden_states=True)."""
        x, bias = self.embed(ids, mask), self.bias(mask)
        outs = []
        for i, b in enumerate(self.blocks[: None if upto is None else upto + 1]):
            x = b(x, bias)
            outs.append(x)
        return (x, outs) if hidden else x


def left_pad(rows):
    width = max(len(r) for r in rows)
    ids = torch.zeros(len(rows), width, dtype=torch.long)
    mask = torch.zeros(len(rows), width, dtype=torch.long)
    for i, r in enumerate(rows):
        ids[i, width - len(r):] = torch.tensor(r)
        mask[i, width - len(r):] = 1
    return ids, mask


def jacobian(m, ids, subject, layer):
    """J = d o / d h (o: last block at the last token, h: block `layer` at `subject`), the paper's way."""
    ids = torch.tensor([ids])
    mask = torch.ones_like(ids)
    with torch.no_grad():
        hidden = m.run(ids, mask, upto=layer)
    bias = m.bias(mask)

    def o_of_h(h):
        x = hidden.clone()
        x[0, subject] = h
        for b in m.blocks[layer + 1:]:
            x = b(x, bias)
        return x[0, -1]

    h = hidden[0, subject].clone()
    J = torch.autograd.functional.jacobian(o_of_h, h, vectorize=True)
    with torch.no_grad():
        o = o_of_h(h)
    return J, h, o


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


class Server:
    def __init__(self):
        self.model = None

    def op_threads(self, r):
        return {"threads": torch.get_num_threads()}

    def op_matmul(self, r):
        n = r["n"]
        a, b = torch.randn(n, n), torch.randn(n, n)
        for _ in range(2):
            a @ b
        s, _ = timed(lambda: [a @ b for _ in range(r["reps"])])
        return {"seconds": s, "gflops": 2 * n ** 3 * r["reps"] / s / 1e9}

    def op_load_model(self, r):
        self.model = None
        s, self.model = timed(lambda: Gpt2(r["folder"], getattr(torch, r["dtype"])))
        return {"seconds": s}

    def op_forward(self, r):
        ids = torch.tensor(r["ids"])
        with torch.no_grad():
            s, logits = timed(lambda: self.model.logits(self.model.run(ids, torch.ones_like(ids))))
        return {"seconds": s, "check": logits[:, -1].norm(dim=-1).tolist()}

    def op_hidden_batched(self, r):
        def run():
            ids, mask = left_pad(r["prompts"])
            x = self.model.run(ids, mask, upto=r["layer"])
            return x[:, -1]
        with torch.no_grad():
            s, h = timed(run)
        return {"seconds": s, "check": h.norm(dim=-1).tolist()}

    def op_hidden_loop(self, r):
        """The seed's loop: one prompt at a time, the whole model with every hidden state."""
        def run():
            out = []
            for p in r["prompts"]:
                ids = torch.tensor([p])
                x, hs = self.model.run(ids, torch.ones_like(ids), hidden=True)
                self.model.logits(x)
                out.append(hs[r["layer"]][0, -1])
            return torch.stack(out)
        with torch.no_grad():
            s, h = timed(run)
        return {"seconds": s, "check": h.norm(dim=-1).tolist()}

    def op_jacobian(self, r):
        s, (J, h, o) = timed(lambda: jacobian(self.model, r["ids"], r["subject"], r["layer"]))
        return {"seconds": s, "check": [J.norm().item(), h.norm().item(), o.norm().item()]}

    def op_operator(self, r):
        """New-LreOperator -Method Jacobian + Test-LreFaithfulness: W = mean J, b = mean (o - J h) over
        the training prompts; then each test prompt's model top-1 against the operator's."""
        m, layer, beta = self.model, r["layer"], r["beta"]

        def run():
            Js, bs = [], []
            for p in r["train"]:
                J, h, o = jacobian(m, p["ids"], p["subject"], layer)
                Js.append(J)
                bs.append(o - J @ h)
            W, b = torch.stack(Js).mean(0), torch.stack(bs).mean(0)
            with torch.no_grad():
                ids, mask = left_pad([p["ids"] for p in r["test"]])
                x, hs = m.run(ids, mask, hidden=True)
                pad = ids.shape[1] - torch.tensor([len(p["ids"]) for p in r["test"]])
                at = pad + torch.tensor([p["subject"] for p in r["test"]])
                h = hs[layer][torch.arange(len(at)), at]
                model_top = m.logits(x[:, -1]).argmax(-1)
                lre_top = m.logits(beta * h @ W.T + b).argmax(-1)
            return W, b, (model_top == lre_top).sum().item()
        s, (W, b, faithful) = timed(run)
        return {"seconds": s, "check": [W.norm().item(), b.norm().item()], "faithful": faithful}


def serve():
    torch.manual_seed(0)
    srv = Server()
    print(json.dumps({"ready": True, "torch": torch.__version__}), flush=True)
    for line in sys.stdin:
        r = json.loads(line)
        try:
            if "threads" in r:
                torch.set_num_threads(r["threads"])
            out = getattr(srv, "op_" + r["op"])(r)
        except Exception as e:                      # reported to the bench, which prints it in the table
            out = {"error": f"{type(e).__name__}: {e}"}
        print(json.dumps(out), flush=True)


def read_into_memory(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        header.pop("__metadata__", None)
        out = {}
        for name, e in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0]):
            t = torch.empty(e["shape"], dtype=DTYPES[e["dtype"]])
            f.seek(8 + n + e["data_offsets"][0])
            f.readinto(t.view(-1).view(torch.uint8).numpy())
            out[name] = t
    return out


def load(path):
    s, tensors = timed(lambda: read_into_memory(path))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"seconds": s, "peak_rss": peak, "tensors": len(tensors)}))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--load":
        load(sys.argv[2])
    else:
        serve()
