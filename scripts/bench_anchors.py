#!/usr/bin/env python3
"""Anchors for `make bench`: ONNX Runtime (embedder) and FAISS IndexFlatIP (search), measured in the same run
as FrontDesk's own benchmarks so the printed ratios compare like with like on this machine.

  bench_anchors.py texts  --scifact DIR --vocab FILE --out DIR   pick the benchmark texts (shared with Swift)
  bench_anchors.py embed  --onnx FILE --vocab FILE --data DIR    time ONNX Runtime, write DIR/ort.json
  bench_anchors.py search --data DIR                             time FAISS on DIR/vectors-*.f32, write DIR/faiss-N.json

Benchmark only: nothing here is used by the server or the tests.
"""
import argparse
import json
import os
import sys
import time

import numpy as np


def load_tokenizer(vocab, max_length):
    from tokenizers import BertWordPieceTokenizer

    tok = BertWordPieceTokenizer(vocab, lowercase=True, strip_accents=None)
    tok.enable_truncation(max_length=max_length)
    tok.enable_padding(pad_id=0, pad_token="[PAD]")  # pads to the longest in the batch
    return tok


def cmd_texts(args):
    """Short queries (~10 tokens with [CLS]/[SEP]) and 128-token passages from SciFact."""
    tok = load_tokenizer(args.vocab, 512)
    tok.no_padding()
    queries = [json.loads(line)["text"] for line in open(os.path.join(args.scifact, "queries.jsonl"))]
    short = [q for q in queries if 8 <= len(tok.encode(q).ids) <= 12]
    short = (short * (320 // max(1, len(short)) + 1))[:320]
    docs = [json.loads(line) for line in open(os.path.join(args.scifact, "corpus.jsonl"))]
    passages = []
    for d in docs:
        text = (d["title"] + ". " + d["text"]).replace("\n", " ")
        if len(tok.encode(text).ids) >= 128:
            passages.append(text)
        if len(passages) == 192:
            break
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "queries.txt"), "w") as f:
        f.write("\n".join(short) + "\n")
    with open(os.path.join(args.out, "passages.txt"), "w") as f:
        f.write("\n".join(passages) + "\n")
    mean_tokens = sum(len(tok.encode(q).ids) for q in short) / len(short)
    print(f"texts: {len(short)} queries (mean {mean_tokens:.1f} tokens), {len(passages)} passages (128 tokens)")


def ort_rate(session, tok, texts, batch, repeats):
    def run(chunk):
        enc = tok.encode_batch(chunk)
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        out = session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0]
        m = mask[..., None].astype(np.float32)
        pooled = (out * m).sum(1) / m.sum(1)
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)

    chunks = [texts[i:i + batch] for i in range(0, len(texts), batch)]
    run(chunks[0])  # warm-up
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        for c in chunks:
            run(c)
        best = min(best, time.perf_counter() - t0)
    return len(texts) / best


def cmd_embed(args):
    import onnxruntime as ort

    queries = open(os.path.join(args.data, "queries.txt")).read().splitlines()
    passages = open(os.path.join(args.data, "passages.txt")).read().splitlines()
    tok256, tok128 = load_tokenizer(args.vocab, 256), load_tokenizer(args.vocab, 128)
    results = {}
    for threads in (1, 2):
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        sess = ort.InferenceSession(args.onnx, opts, providers=["CPUExecutionProvider"])
        results[f"queries_b1_t{threads}"] = ort_rate(sess, tok256, queries[:96], 1, 3)
        results[f"queries_b32_t{threads}"] = ort_rate(sess, tok256, queries, 32, 3)
        results[f"passages_b32_t{threads}"] = ort_rate(sess, tok128, passages[:96], 32, 2)
        print(f"onnxruntime {threads} thread(s): " + ", ".join(
            f"{k.rsplit('_', 1)[0]} {v:.0f}/s" for k, v in results.items() if k.endswith(f"t{threads}")))
    with open(os.path.join(args.data, "ort.json"), "w") as f:
        json.dump(results, f, indent=1)


def cmd_search(args):
    import faiss

    meta = json.load(open(os.path.join(args.data, "search-meta.json")))
    d = meta["dimension"]
    queries = np.fromfile(os.path.join(args.data, "queries.f32"), dtype=np.float32).reshape(-1, d)
    for n in meta["sizes"]:
        xb = np.fromfile(os.path.join(args.data, f"vectors-{n}.f32"), dtype=np.float32).reshape(-1, d)
        index = faiss.IndexFlatIP(d)
        index.add(xb)
        k = meta["k"]
        faiss.omp_set_num_threads(1)
        index.search(queries[:10], k)
        best = float("inf")
        for _ in range(2):
            t0 = time.perf_counter()
            for q in queries:
                index.search(q[None, :], k)
            best = min(best, time.perf_counter() - t0)
        single_ms = best / len(queries) * 1000
        faiss.omp_set_num_threads(2)
        index.search(queries[:64], k)
        best = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            _, ids = index.search(queries, k)
            best = min(best, time.perf_counter() - t0)
        batch_qps = len(queries) / best
        res = {"n": n, "single_ms_1thread": single_ms, "batch_qps_2threads": batch_qps,
               "top_ids": ids[:20].tolist()}
        print(f"faiss IndexFlatIP N={n}: {single_ms:.2f} ms/query (1 thread), {batch_qps:.0f} queries/s batched (2 threads)")
        with open(os.path.join(args.data, f"faiss-{n}.json"), "w") as f:
            json.dump(res, f)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("texts")
    t.add_argument("--scifact", required=True)
    t.add_argument("--vocab", required=True)
    t.add_argument("--out", required=True)
    e = sub.add_parser("embed")
    e.add_argument("--onnx", required=True)
    e.add_argument("--vocab", required=True)
    e.add_argument("--data", required=True)
    s = sub.add_parser("search")
    s.add_argument("--data", required=True)
    args = p.parse_args()
    {"texts": cmd_texts, "embed": cmd_embed, "search": cmd_search}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
