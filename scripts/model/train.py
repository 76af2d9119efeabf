#!/usr/bin/env python3
"""Trains ICL Probe's embedded toy model (models/icl-toy.gguf): a tiny llama that copies labels
from its in-context demonstrations. It is a toy that shows the tool working offline, not a
language model. See docs/MODEL.md.

Usage (from the repository root; Debian's python3-torch, one thread, ~8-15 minutes):

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 scripts/model/train.py --out /tmp/icl-toy
    #   (adds torch reference log-probs at the end; `--reference-only DIR` recomputes them)
    npx tsc -p .                                   # compiles src/gguf (the one GGUF writer)
    node scripts/model/export-gguf.mjs /tmp/icl-toy models/icl-toy.gguf
    node scripts/model/verify.mjs models/icl-toy.gguf examples/toy-lookup.icl.jsonl

Python is only needed to regenerate the model: installing, testing and running the tool do not
need it. This script writes raw float32 weights + manifest.json to --out; the TypeScript writer
(src/gguf) turns them into GGUF, so the project has a single GGUF writer.

Design (docs/MODEL.md describes the result):
- llama layout: RMSNorm (eps 1e-5), adjacent-pair RoPE (llama.cpp's "norm" RoPE type, used for
  general.architecture = llama, so no Q/K permutation on export), SwiGLU, no biases, tied
  input/output embeddings (tied embeddings let copying generalise to rarely seen tokens).
- Word-level SentencePiece vocabulary: <unk>, <s>, </s>, 256 byte tokens, "▁", and every prefix
  of "▁word" and of "word" for each vocabulary word (the bare pieces cover words at the start of
  a line, which have no space before them); scores = piece length. Mirrors wordVocab(words,
  {bare: true}) in src/gguf/vocab.ts; export-gguf.mjs checks that both give the same tokens.
- Episodes are exactly what the prompt builder renders for the example's header
  ("instruction": "lookup:", "template": "{input} {label}", "separator": "\\n", inputs
  "<number> <key>"):
      lookup:\\n<n> <key> <label>\\n ... \\n<n> <key>   -> <label>
  Within an episode 2-5 keys each get one label; keys and labels are re-drawn in every episode
  (keys from ~120 words and pseudo-words, labels from 12 colour words by default), so the only
  way to lower the loss is to find an earlier line with the query's key and copy the label
  that follows it. The label directly follows its key: the classic two-layer induction circuit
  (previous-token head + matching head). Loss only on labels whose key was shown before.
- Defaults reproduce the shipped model (4,000 steps, batch 48, lr 5e-3, seed 8; the --minutes
  budget is only a safety cap: when it binds, the LR schedule follows the clock and the run is
  no longer bit-reproducible). Measured on a loaded 2-core machine, what did NOT learn within
  ~2,000-4,000 steps (accuracy stayed at "copy any in-context label", ~0.3-0.45 at k=8):
  the "{key} {filler} -> {label}" format (two different positional hops), wide key/label pools,
  variable fillers and multi-token keys. The induction format with colour labels learned at
  ~2,400 steps (loss 1.4 -> 0.6, k=8 probe 0.4 -> 1.0).
"""
import argparse
import heapq
import json
import math
import os
import random
import struct
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
# Bit-identical training needs the same float kernels, and both OpenBLAS and torch pick theirs
# by CPU: the same recipe gave different weights on an AMD EPYC (OpenBLAS "Haswell" kernels,
# torch AVX2) and on the Intel Xeon the first model was trained on. Pinning both to the AVX2
# kernels, which every x86-64 CPU with AVX2 runs, makes the result depend on the recipe only.
os.environ.setdefault("OPENBLAS_CORETYPE", "Haswell")
os.environ.setdefault("ATEN_CPU_CAPABILITY", "avx2")
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

torch.set_num_threads(1)

SPACE = "\u2581"

# ---------------------------------------------------------------------------------------------
# Vocabulary words. Order matters (token ids); everything is deterministic.
# ---------------------------------------------------------------------------------------------
FILE_KEYS = ["apple", "lime", "plum", "lemon"]          # examples/toy-lookup.icl.jsonl inputs
FILE_LABELS = ["red", "green", "purple", "yellow"]      # and its labels
COLORS = ["blue", "orange", "pink", "brown", "black", "white", "gray", "gold"]
LABEL_WORDS = ["positive", "negative", "neutral", "world", "sports", "business", "science",
               "good", "bad", "great", "terrible", "okay", "yes", "no", "true", "false",
               "fruit", "color", "hot", "cold", "big", "small"]
# src/core/variants/consistent.ts UNRELATED_WORDS and SYMBOLS (abstract-symbols)
UNRELATED = ["foo", "bar", "baz", "qux", "quux", "corge", "grault", "garply", "waldo", "fred",
             "plugh", "xyzzy", "thud"]
SYMBOLS = ["@", "#", "$", "%", "&", "*", "^", "~", "+", "=", "!", "?", "<", ">", "|", "/"]
LETTERS = [chr(c) for c in range(ord("A"), ord("Z") + 1)] + [chr(c) for c in range(ord("a"), ord("z") + 1)]
NUMBERS = [str(i) for i in range(100)]
# src/core/variants/wordBank.ts ENGLISH_WORDS (no-label-space variant), copied so that the
# generator does not depend on another module's current contents.
ENGLISH = """apple basket bottle bridge bucket button candle carpet castle chair cloud coffee copper
corner cotton desk door engine feather fence field finger forest garden glass guitar hammer harbor
helmet island jacket kettle kitchen ladder lamp leaf lemon letter marble meadow mirror monkey
needle ocean orange paper pencil pepper pillow planet pocket potato rabbit river rocket saddle salt
sand shelf shoe silver spoon stone street sugar table ticket tiger timber tomato towel tower train
tunnel valley violin wagon wallet window wire yellow zebra anchor banana blanket cabbage canvas
carrot cedar chimney circle compass cousin crayon dolphin drawer eagle elbow fabric flute fountain
gravel hallway honey insect jungle lantern lizard magnet maple mitten muffin noodle onion oyster
paddle parrot pebble pigeon puzzle quilt radish ribbon saucer shovel spider sponge squirrel statue
tablet teapot thimble thread trumpet tulip turnip umbrella velvet walnut whistle""".split()
TEMPLATE_WORDS = ["lookup:", "lookup", "->", "N/A", "[MASK]"]

# ra-string's alphabet (src/core/variants/randomString.ts): CVCVC... strings
RA_CONS = "bdfghjklmnprstvz"
RA_VOW = "aeiou"
PSEUDO_CONS = "bcdfghjklmnprstvwz"


def pseudo_words(n, seed):
    r = random.Random(seed)
    out, seen = [], set()
    while len(out) < n:
        w = "".join(r.choice(PSEUDO_CONS) + r.choice(RA_VOW) for _ in range(r.randint(1, 3)))
        if r.random() < 0.3:
            w += r.choice(PSEUDO_CONS)
        if w not in seen:
            seen.add(w)
            out.append(w)
    return out


PSEUDO = pseudo_words(300, 12345)


def vocab_words():
    words, seen = [], set()
    for w in TEMPLATE_WORDS + FILE_KEYS + FILE_LABELS + COLORS + LABEL_WORDS + UNRELATED + SYMBOLS \
            + LETTERS + NUMBERS + ENGLISH + PSEUDO:
        if w not in seen:
            seen.add(w)
            words.append(w)
    return words


def word_vocab(words):
    """Mirror of wordVocab(words, {bare: true}) in src/gguf/vocab.ts."""
    tokens = ["<unk>", "<s>", "</s>"] + ["<0x%02X>" % b for b in range(256)] + [SPACE]
    scores = [0.0] * 259 + [1.0]
    types = [2, 3, 3] + [6] * 256 + [1]
    seen = set(tokens)
    for w in words:
        for s in (SPACE + w, w):
            for i in range(1 if s.startswith(SPACE) else 0, len(s)):
                p = s[: i + 1]
                if p not in seen:
                    seen.add(p)
                    tokens.append(p)
                    scores.append(float(len(p)))
                    types.append(1)
    return tokens, scores, types


# ---------------------------------------------------------------------------------------------
# llama.cpp's SentencePiece tokenizer (llm_tokenizer_spm), re-implemented for training.
# ---------------------------------------------------------------------------------------------
class Spm:
    def __init__(self, tokens, scores):
        self.ids = {t: i for i, t in enumerate(tokens)}
        self.scores = scores
        self.byte_ids = [self.ids["<0x%02X>" % b] for b in range(256)]
        self.cache = {}

    def _spm(self, text):
        """Merge the highest-scoring adjacent pair present in the vocabulary (ties: leftmost)."""
        syms = [[c, i - 1, i + 1] for i, c in enumerate(text)]
        if not syms:
            return []
        syms[-1][2] = -1
        heap = []

        def add(left, right):
            if left == -1 or right == -1:
                return
            s = syms[left][0] + syms[right][0]
            tid = self.ids.get(s)
            if tid is None:
                return
            heapq.heappush(heap, (-self.scores[tid], left, right, len(s.encode("utf-8"))))

        for i in range(1, len(syms)):
            add(i - 1, i)
        while heap:
            _, left, right, size = heapq.heappop(heap)
            L, R = syms[left], syms[right]
            if not L[0] or not R[0] or len(L[0].encode("utf-8")) + len(R[0].encode("utf-8")) != size:
                continue
            L[0] += R[0]
            R[0] = ""
            L[2] = R[2]
            if R[2] != -1:
                syms[R[2]][1] = left
            add(L[1], left)
            add(left, L[2])
        out = []
        i = 0
        while i != -1:
            s = syms[i][0]
            tid = self.ids.get(s)
            if tid is not None:
                out.append(tid)
            else:  # merges only create vocabulary pieces: what is left is byte fallback
                out.extend(self.byte_ids[b] for b in s.encode("utf-8"))
            i = syms[i][2]
        return out

    def tokenize(self, text):
        """Like node-llama-cpp's model.tokenize(text): space prefix, no BOS, no specials."""
        return self._spm((" " + text).replace(" ", SPACE))

    def unit(self, piece):
        """One whitespace-free unit, optionally starting with ▁. Merges never cross a unit
        boundary (no piece has ▁ inside or a newline), so text = concatenation of units."""
        r = self.cache.get(piece)
        if r is None:
            r = self.cache[piece] = self._spm(piece)
        return r


# ---------------------------------------------------------------------------------------------
# Episodes
# ---------------------------------------------------------------------------------------------
def ra_string(r, lo=3, hi=7):
    n = r.randint(lo, hi)
    return "".join(r.choice(RA_CONS if i % 2 == 0 else RA_VOW) for i in range(n))


# Word pools for keys and labels. "--narrow" uses smaller pools (every key/label token is then
# seen often, so its embedding is trained): measured to learn the copy much faster on a CPU
# budget than the wide pools, which stayed at ~0.3-0.45 accuracy after 2,500 steps.
POOLS = {"label_words": LABEL_WORDS + UNRELATED + COLORS + ENGLISH, "pseudo": PSEUDO,
         "key_file": FILE_KEYS + ENGLISH[:40], "key_words": ENGLISH + LABEL_WORDS + COLORS + UNRELATED}


FILLER_WEIGHTS = [0.8, 0.05, 0.05, 0.1]
# Line format: "arrow" = "<key> <filler> -> <label>" (template "{input} -> {label}"),
# "induction" = "<number> <key> <label>" (template "{input} {label}", input "<number> <key>").
FORMAT = ["arrow"]


def fixed_format():
    """Every line is exactly <one-token key> <one-token number> -> <label>, as in the example:
    the key then sits at a fixed offset before each label and before the query's "->", so
    layer-1 heads can fetch it by relative position. Variable fillers and multi-token keys
    (the default) were measured to keep a 2-layer model at "copy any in-context label"."""
    FILLER_WEIGHTS[:] = [1.0, 0.0, 0.0, 0.0]
    KEY_WEIGHTS[3] = 0.0


def narrow_pools():
    POOLS.update(label_words=LABEL_WORDS + UNRELATED + COLORS, pseudo=PSEUDO[:40],
                 key_file=FILE_KEYS + ENGLISH[:20], key_words=ENGLISH[:60])
    LABEL_WEIGHTS[:] = [0.3, 0.25, 0.1, 0.03, 0.12, 0.12, 0.08]
    KEY_WEIGHTS[:] = [0.4, 0.35, 0.2, 0.05]


def draw_label(r, family):
    if family == "file":
        return r.choice(FILE_LABELS + COLORS)
    if family == "words":
        return r.choice(POOLS["label_words"])
    if family == "pseudo":
        return r.choice(POOLS["pseudo"])
    if family == "string":
        return ra_string(r)
    if family == "letters":
        return r.choice(LETTERS[:26] if r.random() < 0.7 else LETTERS[26:])
    if family == "numbers":
        return str(r.randrange(10 if r.random() < 0.7 else 100))
    if family == "symbols":
        return r.choice(SYMBOLS)
    if family == "token":
        return r.choice(TOKEN_LABELS["pool"])
    raise ValueError(family)


LABEL_FAMILIES = ["file", "words", "pseudo", "string", "letters", "numbers", "symbols"]
LABEL_WEIGHTS = [0.25, 0.2, 0.15, 0.12, 0.1, 0.1, 0.08]
# "--token-labels P": a share P of episodes whose labels are random single vocabulary tokens
# (every word-initial piece of >= 2 letters, the candidates of the ra-token variant), so that
# copying any one-token label is part of what the model is trained to do. Kept out of
# LABEL_FAMILIES (and no random draw when P = 0) so that runs without it are unchanged.
TOKEN_LABELS = {"share": 0.0, "pool": []}


def draw_key(r, family):
    if family == "file":
        return r.choice(POOLS["key_file"])
    if family == "words":
        return r.choice(POOLS["key_words"])
    if family == "pseudo":
        return r.choice(POOLS["pseudo"])
    if family == "string":
        return ra_string(r, 3, 8)
    raise ValueError(family)


KEY_FAMILIES = ["file", "words", "pseudo", "string"]
KEY_WEIGHTS = [0.3, 0.35, 0.25, 0.1]


def draw_filler(r, mode):
    if mode == "number":
        return str(r.randint(1, 99))
    if mode == "word":
        return r.choice(ENGLISH + PSEUDO)
    if mode == "string":
        return ra_string(r, 3, 6)
    return None


def distinct(r, n, draw):
    out, seen = [], set()
    for _ in range(200 * n):
        x = draw()
        if x not in seen:
            seen.add(x)
            out.append(x)
            if len(out) == n:
                break
    return out


def make_episode(r, spm, max_len, n_demos=None, n_keys=None, label_mode=None, max_demos=16):
    """Returns (token ids with BOS, per-position loss weights, query label token span)."""
    n_keys = n_keys or r.randint(2, 5)
    key_family = r.choices(KEY_FAMILIES, KEY_WEIGHTS)[0]
    keys = distinct(r, n_keys, lambda: draw_key(r, key_family if r.random() < 0.8 else r.choice(KEY_FAMILIES)))
    lab_family = r.choices(LABEL_FAMILIES, LABEL_WEIGHTS)[0]
    mixed = r.random() < 0.2
    if TOKEN_LABELS["share"] and r.random() < TOKEN_LABELS["share"]:
        lab_family, mixed = "token", False
    labels = distinct(r, len(keys), lambda: draw_label(r, r.choice(LABEL_FAMILIES) if mixed else lab_family))
    if len(labels) < len(keys) or r.random() < 0.1:  # occasionally two keys share a label
        labels = [r.choice(labels) for _ in keys]
    mapping = dict(zip(keys, labels))
    filler_mode = r.choices(["number", "word", "string", "none"], FILLER_WEIGHTS)[0]
    n_demos = r.randint(1, max_demos) if n_demos is None else n_demos

    ids = [1] + spm.unit(SPACE + "lookup:")
    w = [0.0] * len(ids)
    seen = set()
    nl = spm.byte_ids[10]
    query_span = None
    for i in range(n_demos + 1):
        is_query = i == n_demos
        if is_query and seen:
            key = r.choice(sorted(seen))
        else:
            key = r.choice(keys)
        label = mapping[key]
        if label_mode == "random" and not is_query:
            label = r.choice(labels)
        filler = draw_filler(r, filler_mode)
        if FORMAT[0] == "induction":
            # "<number> <key> <label>": the label directly follows its key (classic induction).
            line = [nl] + spm.unit(filler if filler is not None else "0") + spm.unit(SPACE + key)
        else:
            line = [nl] + spm.unit(key)
            if filler is not None:
                line += spm.unit(SPACE + filler)
            line += spm.unit(SPACE + "->")
        lab = spm.unit(SPACE + label)
        if len(ids) + len(line) + len(lab) > max_len:
            break
        ids += line
        w += [0.0] * len(line)
        start = len(ids)
        ids += lab
        # Loss only where the key was shown before: the label is then determined by the
        # demonstrations; elsewhere it is unpredictable and would only teach a label prior.
        weight = 1.0 if key in seen else 0.0
        w += [weight] * len(lab)
        if is_query:
            query_span = (start, len(ids), key in seen)
        seen.add(key)
    return ids, w, query_span


# ---------------------------------------------------------------------------------------------
# Model
# ---------------------------------------------------------------------------------------------
class RMSNorm(nn.Module):
    def __init__(self, d, eps=1e-5):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rope_tables(max_len, hd, base=10000.0):
    # llama.cpp ROPE_TYPE_NORM: pairs (x[2i], x[2i+1]) rotated by pos * base^(-2i/hd)
    inv = base ** (-torch.arange(0, hd, 2, dtype=torch.float64) / hd)
    ang = torch.arange(max_len, dtype=torch.float64)[:, None] * inv[None, :]
    return torch.cos(ang).float(), torch.sin(ang).float()


def apply_rope(x, cos, sin):
    # x: (B, H, T, hd)
    x0, x1 = x[..., 0::2], x[..., 1::2]
    c, s = cos[: x.shape[2]], sin[: x.shape[2]]
    out = torch.empty_like(x)
    out[..., 0::2] = x0 * c - x1 * s
    out[..., 1::2] = x0 * s + x1 * c
    return out


class Block(nn.Module):
    def __init__(self, d, heads, ff):
        super().__init__()
        self.h, self.hd = heads, d // heads
        self.attn_norm = RMSNorm(d)
        self.wq = nn.Linear(d, d, bias=False)
        self.wk = nn.Linear(d, d, bias=False)
        self.wv = nn.Linear(d, d, bias=False)
        self.wo = nn.Linear(d, d, bias=False)
        self.ffn_norm = RMSNorm(d)
        self.w_gate = nn.Linear(d, ff, bias=False)
        self.w_up = nn.Linear(d, ff, bias=False)
        self.w_down = nn.Linear(ff, d, bias=False)

    def forward(self, x, cos, sin, mask):
        B, T, D = x.shape
        h = self.attn_norm(x)
        q = self.wq(h).view(B, T, self.h, self.hd).transpose(1, 2)
        k = self.wk(h).view(B, T, self.h, self.hd).transpose(1, 2)
        v = self.wv(h).view(B, T, self.h, self.hd).transpose(1, 2)
        q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(self.hd) + mask[:T, :T]
        o = (att.softmax(-1) @ v).transpose(1, 2).reshape(B, T, D)
        x = x + self.wo(o)
        h = self.ffn_norm(x)
        return x + self.w_down(F.silu(self.w_gate(h)) * self.w_up(h))


class Toy(nn.Module):
    def __init__(self, vocab, d, layers, heads, ff, max_len):
        super().__init__()
        self.emb = nn.Embedding(vocab, d)
        nn.init.normal_(self.emb.weight, std=0.1)
        self.blocks = nn.ModuleList([Block(d, heads, ff) for _ in range(layers)])
        self.norm = RMSNorm(d)
        cos, sin = rope_tables(max_len, d // heads)
        self.register_buffer("cos", cos)
        self.register_buffer("sin", sin)
        self.register_buffer("mask", torch.full((max_len, max_len), float("-inf")).triu(1))

    def hidden(self, ids):
        x = self.emb(ids)
        for b in self.blocks:
            x = b(x, self.cos, self.sin, self.mask)
        return self.norm(x)

    def forward(self, ids):
        return self.hidden(ids) @ self.emb.weight.T  # tied output embedding


def batch(r, spm, n, max_len, max_demos):
    eps = [make_episode(r, spm, max_len, max_demos=max_demos) for _ in range(n)]
    T = max(len(e[0]) for e in eps)
    ids = torch.zeros(n, T, dtype=torch.long)
    w = torch.zeros(n, T)
    for i, (t, wt, _) in enumerate(eps):
        ids[i, : len(t)] = torch.tensor(t)
        w[i, : len(wt)] = torch.tensor(wt)
    return ids, w


def loss_fn(model, ids, w):
    # Logits only where there is a loss (label tokens): the vocabulary projection dominates the
    # cost of such a small model, and labels are a small share of the positions.
    h = model.hidden(ids[:, :-1])
    tw = w[:, 1:]
    sel = tw > 0
    logits = h[sel] @ model.emb.weight.T
    nll = F.cross_entropy(logits, ids[:, 1:][sel], reduction="none")
    return (nll * tw[sel]).sum() / tw[sel].sum().clamp(min=1.0)


@torch.no_grad()
def probe(model, spm, r, n=64, k=8, label_mode=None):
    """Accuracy on file-like episodes: 4 keys from FILE_KEYS, labels FILE_LABELS, k demos;
    the prediction is the label with the highest summed log-prob (joint tokenization)."""
    model.eval()
    correct = 0
    for _ in range(n):
        perm = FILE_LABELS[:]
        r.shuffle(perm)
        if label_mode == "tokens":  # ra-token-like: 4 random single-token labels
            perm = r.sample(TOKEN_LABELS["pool"], len(FILE_KEYS))
        mapping = dict(zip(FILE_KEYS, perm))
        if label_mode == "gold-file":
            mapping = dict(zip(FILE_KEYS, FILE_LABELS))
        demos = [r.choice(FILE_KEYS) for _ in range(k)]
        line = (lambda key: f"{r.randint(1, 99)} {key}") if FORMAT[0] == "induction" else (lambda key: f"{key} {r.randint(1, 99)} ->")
        text = "lookup:\n" + "".join(
            f"{line(d)} {mapping[d] if label_mode != 'random' else r.choice(FILE_LABELS)}\n" for d in demos)
        q = r.choice(demos) if demos else r.choice(FILE_KEYS)
        prompt = text + line(q)
        p_ids = [1] + spm.tokenize(prompt)
        best, best_lp = None, -1e9
        for lab in (perm if label_mode == "tokens" else FILE_LABELS):
            full = [1] + spm.tokenize(prompt + " " + lab)
            assert full[: len(p_ids)] == p_ids
            logp = model(torch.tensor([full[:-1]])).log_softmax(-1)[0]
            lp = sum(logp[i - 1, full[i]].item() for i in range(len(p_ids), len(full)))
            if lp > best_lp:
                best, best_lp = lab, lp
        correct += best == mapping[q]
    model.train()
    return correct / n


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, help="directory for weights.bin + manifest.json")
    ap.add_argument("--steps", type=int, default=4000)
    ap.add_argument("--batch", type=int, default=48)
    ap.add_argument("--minutes", type=float, default=20.0, help="time budget; the LR schedule follows whichever of steps/time is further")
    ap.add_argument("--dim", type=int, default=64)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--ff", type=int, default=128)
    ap.add_argument("--max-len", type=int, default=256)
    ap.add_argument("--max-demos", type=int, default=10)
    ap.add_argument("--lr", type=float, default=5e-3)
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--format", choices=["arrow", "induction"], default="induction", help="line format (see FORMAT)")
    ap.add_argument("--emb-bias", type=float, default=0.0, help="norm of a direction added to every initial token embedding")
    ap.add_argument("--colour-labels", action=argparse.BooleanOptionalAction, default=True, help="labels only from the 12 colour words (fastest to learn)")
    ap.add_argument("--narrow", action=argparse.BooleanOptionalAction, default=True, help="smaller key/label pools (see POOLS)")
    ap.add_argument("--fixed-format", action=argparse.BooleanOptionalAction, default=True, help="one-token keys and number fillers only (see fixed_format)")
    ap.add_argument("--init", help="start from the weights exported by an earlier run (its --out)")
    ap.add_argument("--token-labels", type=float, default=0.0, help="share of episodes whose labels are random single vocabulary tokens (see TOKEN_LABELS)")
    a = ap.parse_args()

    FORMAT[0] = a.format
    if a.narrow:
        narrow_pools()
    if a.fixed_format:
        fixed_format()
    if a.colour_labels:
        LABEL_WEIGHTS[:] = [1.0, 0, 0, 0, 0, 0, 0]
    random.seed(a.seed)
    torch.manual_seed(a.seed)
    words = vocab_words()
    tokens, scores, types = word_vocab(words)
    spm = Spm(tokens, scores)
    print(f"vocab {len(tokens)} tokens from {len(words)} words", flush=True)
    TOKEN_LABELS["share"] = a.token_labels
    TOKEN_LABELS["pool"] = [t[1:] for t in tokens if t.startswith(SPACE) and len(t) >= 3 and t[1:].isalpha()]

    # The unit-cached tokenization used for training must equal the whole-text tokenizer.
    r = random.Random(999)
    samples = []
    for _ in range(200):
        ids, _, _ = make_episode(r, spm, a.max_len)
        text = spm_detok(tokens, ids[1:])
        assert spm.tokenize(text) == ids[1:], f"unit tokenization differs for {text!r}"
        samples.append(text)

    model = Toy(len(tokens), a.dim, a.layers, a.heads, a.ff, max(512, a.max_len))
    if a.emb_bias:
        # A direction shared by every token embedding gives the (bias-free) attention a
        # content-independent component, from which RoPE makes purely positional heads such as
        # "attend to the previous token", the first half of an induction circuit.
        with torch.no_grad():
            u = torch.randn(a.dim, generator=torch.Generator().manual_seed(a.seed))
            model.emb.weight += a.emb_bias * u / u.norm()
    if a.init:
        # Continue from an earlier run's export (a second stage with a fresh LR schedule).
        _, m0 = load_weights(a.init, model)
        assert m0["tokens"] == tokens, "--init model has a different vocabulary"
        print(f"initialised from {a.init} ({m0['training']['steps']} steps)", flush=True)
        a.previous = m0["training"]
    nparams = sum(p.numel() for n, p in model.named_parameters())
    print(f"model {nparams} parameters", flush=True)
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, betas=(0.9, 0.98), weight_decay=0.01)
    r = random.Random(a.seed)
    t0 = time.time()
    budget = a.minutes * 60
    ema = None
    for step in range(1, a.steps + 1):
        elapsed = time.time() - t0
        progress = max(step / a.steps, elapsed / budget)
        if progress >= 1.0:
            print(f"stopping at step {step} ({'step limit' if step >= a.steps else 'time budget'})", flush=True)
            break
        lr = a.lr * min(1.0, step / 100) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))
        for g in opt.param_groups:
            g["lr"] = lr
        ids, w = batch(r, spm, a.batch, a.max_len, a.max_demos)
        loss = loss_fn(model, ids, w)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        ema = loss.item() if ema is None else 0.98 * ema + 0.02 * loss.item()
        if step % 50 == 0:
            print(f"step {step} loss {ema:.3f} lr {lr:.2e} {time.time() - t0:.0f}s", flush=True)
        if step % 500 == 0:
            pr = random.Random(7)
            print(f"  probe k=0 {probe(model, spm, pr, 32, 0):.2f} k=8 {probe(model, spm, pr, 48, 8):.2f} "
                  f"k=8 random {probe(model, spm, pr, 48, 8, 'random'):.2f}"
                  + (f" k=8 tokens {probe(model, spm, pr, 48, 8, 'tokens'):.2f}" if a.token_labels else ""), flush=True)

    pr = random.Random(8)
    final = {"k0": probe(model, spm, pr, 64, 0), "k8": probe(model, spm, pr, 64, 8),
             "k8_random": probe(model, spm, pr, 64, 8, "random"), "k16": probe(model, spm, pr, 64, 16)}
    if a.token_labels:
        final["k8_tokens"] = probe(model, spm, pr, 64, 8, "tokens")
    print("final probe (torch)", final, flush=True)
    export(model, a, words, tokens, scores, types, spm, samples, final, time.time() - t0, step)
    add_reference(a.out)


def spm_detok(tokens, ids):
    out = bytearray()
    for t in ids:
        s = tokens[t]
        if s.startswith("<0x") and len(s) == 6:
            out.append(int(s[3:5], 16))
        else:
            out += s.replace(SPACE, " ").encode("utf-8")
    text = out.decode("utf-8")
    return text[1:] if text.startswith(" ") else text


def export(model, a, words, tokens, scores, types, spm, samples, final, seconds, steps):
    os.makedirs(a.out, exist_ok=True)
    names = {"emb.weight": "token_embd.weight", "norm.weight": "output_norm.weight"}
    gg = {"attn_norm.weight": "attn_norm.weight", "wq.weight": "attn_q.weight", "wk.weight": "attn_k.weight",
          "wv.weight": "attn_v.weight", "wo.weight": "attn_output.weight", "ffn_norm.weight": "ffn_norm.weight",
          "w_gate.weight": "ffn_gate.weight", "w_up.weight": "ffn_up.weight", "w_down.weight": "ffn_down.weight"}
    tensors = []
    offset = 0
    with open(os.path.join(a.out, "weights.bin"), "wb") as f:
        for n, p in model.named_parameters():
            if n.startswith("blocks."):
                _, i, rest = n.split(".", 2)
                gname = f"blk.{i}.{gg[rest]}"
            else:
                gname = names[n]
            data = p.detach().float().contiguous().numpy().tobytes()  # row-major (out, in)
            f.write(data)
            tensors.append({"name": gname, "shape": list(p.shape), "offset": offset, "bytes": len(data)})
            offset += len(data)
    # Token ids of sample texts under the training tokenizer: the TS test checks that
    # node-llama-cpp tokenizes them identically.
    r = random.Random(4242)
    extra = ["lookup:\napple 7 -> red\nlime 12 -> green\nplum 3 ->", "apple 7 -> red", "hello world",
             "lookup:\nzumak 4 -> @\nbodiru 9 -> #\nzumak 11 ->", "N/A ->", "lookup:\n[MASK] -> B",
             "Review: a gorgeous, witty film\nSentiment: positive", "lookup:\n -> ", "x  y\n\nz"]
    sample = [{"text": t, "ids": spm.tokenize(t)} for t in extra + samples[:60]]
    for _ in range(20):
        t = " ".join(ra_string(r, 2, 9) for _ in range(r.randint(1, 4)))
        sample.append({"text": t, "ids": spm.tokenize(t)})
    manifest = {
        "shape": {"dim": a.dim, "layers": a.layers, "heads": a.heads, "kvHeads": a.heads, "ff": a.ff,
                  "context": 2048, "trainedContext": a.max_len, "ropeFreqBase": 10000.0, "rmsEps": 1e-5},
        "words": words, "tokens": tokens, "scores": scores, "types": types,
        "tensors": tensors,
        "training": {"steps": steps, "batch": a.batch, "seconds": round(seconds), "lr": a.lr, "seed": a.seed,
                     "torch": torch.__version__, "probe": final,
                     "args": {k: v for k, v in vars(a).items() if k not in ("out", "previous")},
                     "previous": getattr(a, "previous", None)},
        "tokenizationSample": sample,
    }
    with open(os.path.join(a.out, "manifest.json"), "w") as f:
        json.dump(manifest, f)
    print(f"wrote {a.out}/weights.bin ({offset} bytes) and manifest.json", flush=True)


REFERENCE_TEXTS = ["lookup:\n43 apple red\n12 lime green\n3 plum purple\n9 apple",
                   "lookup:\n5 lemon A\n8 plum B\n1 lemon",
                   "lookup:\napple 7 -> red\nlime 12 -> green\nplum 3 -> purple\napple 9 ->",
                   "lookup:\nzumak 4 -> bodir\nkelo 9 -> fasun\nzumak 11 -> bodir\nkelo 2 ->",
                   "lookup:\nlemon 5 -> A\nplum 8 -> B\nlemon 1 ->"]


def load_weights(out_dir, model=None):
    """Loads an exported model (weights.bin + manifest.json) into a Toy (a new one by default)."""
    with open(os.path.join(out_dir, "manifest.json")) as f:
        manifest = json.load(f)
    s = manifest["shape"]
    if model is None:
        model = Toy(len(manifest["tokens"]), s["dim"], s["layers"], s["heads"], s["ff"], 512)
    raw = open(os.path.join(out_dir, "weights.bin"), "rb").read()
    by_name = {t["name"]: t for t in manifest["tensors"]}
    names = {"emb.weight": "token_embd.weight", "norm.weight": "output_norm.weight"}
    gg = {"attn_norm.weight": "attn_norm.weight", "wq.weight": "attn_q.weight", "wk.weight": "attn_k.weight",
          "wv.weight": "attn_v.weight", "wo.weight": "attn_output.weight", "ffn_norm.weight": "ffn_norm.weight",
          "w_gate.weight": "ffn_gate.weight", "w_up.weight": "ffn_up.weight", "w_down.weight": "ffn_down.weight"}
    with torch.no_grad():
        for n, p in model.named_parameters():
            if n.startswith("blocks."):
                _, i, rest = n.split(".", 2)
                t = by_name[f"blk.{i}.{gg[rest]}"]
            else:
                t = by_name[names[n]]
            vals = struct.unpack("<%df" % (t["bytes"] // 4), raw[t["offset"]: t["offset"] + t["bytes"]])
            p.copy_(torch.tensor(vals).view(p.shape))
    return model, manifest


def add_reference(out_dir):
    """Recomputes torch next-token log-probs from the exported weights (not the live model), so
    the test compares llama.cpp with an independent forward pass over the same bytes."""
    model, manifest = load_weights(out_dir)
    spm = Spm(manifest["tokens"], manifest["scores"])
    refs = []
    with torch.no_grad():
        for text in REFERENCE_TEXTS:
            ids = [1] + spm.tokenize(text)
            lp = model(torch.tensor([ids])).log_softmax(-1)[0, -1]
            top = lp.topk(8)
            refs.append({"text": text, "ids": ids, "top": [[int(i), float(v)] for v, i in zip(top.values, top.indices)]})
    manifest["reference"] = refs
    with open(os.path.join(out_dir, "manifest.json"), "w") as f:
        json.dump(manifest, f)
    print("reference log-probs added:", [(r["top"][0]) for r in refs], flush=True)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--reference-only":
        sys.exit(add_reference(sys.argv[2]))
    sys.exit(main())
