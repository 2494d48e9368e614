#!/usr/bin/env bash
# `make bench`: FrontDesk's benchmarks with their anchors measured in the same run, printing ratios.
#   ONNX Runtime on ../shared/models/all-MiniLM-L6-v2.fp32.onnx  → frontdesk bench embed
#   FAISS IndexFlatIP on the same vectors                         → frontdesk bench search
#   (no anchor)                                                   → frontdesk bench search-http
#   the embedder's single-query time, measured in the same run   → frontdesk bench calls
#   a bare SQLite pass over the same calls                         → frontdesk bench analytics
#   one event append, measured in the same run                    → frontdesk bench campaign
#   SQLite single node, measured in the same run                   → frontdesk bench calls --database-url (PostgreSQL
#                                                                     1 and 2 nodes; only where a PostgreSQL server can
#                                                                     be started: scripts/with_postgres.sh)
# The anchors live in a private virtualenv (.venv-bench); without PyPI they are skipped and only our own
# figures are printed.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.build/release/frontdesk
DATA=${FRONTDESK_BENCH_DIR:-.bench}
SHARED=${FRONTDESK_SHARED_DIR:-../shared}
MODEL_DIR=${FRONTDESK_MODEL_DIR:-.models/all-MiniLM-L6-v2}
VENV=.venv-bench
mkdir -p "$DATA"

anchors=1
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import faiss, onnxruntime, tokenizers, numpy" 2>/dev/null; then
    echo "bench: installing the anchors (faiss-cpu, onnxruntime, tokenizers, numpy) into $VENV"
    if ! { python3 -m venv "$VENV" && "$VENV/bin/pip" install -q --disable-pip-version-check faiss-cpu onnxruntime tokenizers numpy; }; then
        echo "bench: could not install the anchors from PyPI; printing FrontDesk's own figures without ratios" >&2
        anchors=0
    fi
fi
PY="$VENV/bin/python"

echo "== embedder =="
if [ "$anchors" = 1 ]; then
    "$PY" scripts/bench_anchors.py texts --scifact "$SHARED/data/retrieval/scifact" --vocab "$MODEL_DIR/vocab.txt" --out "$DATA"
    "$PY" scripts/bench_anchors.py embed --onnx "$SHARED/models/all-MiniLM-L6-v2.fp32.onnx" --vocab "$MODEL_DIR/vocab.txt" --data "$DATA"
fi
"$BIN" bench embed --data "$DATA" --scifact "$SHARED/data/retrieval/scifact"

echo
echo "== vector search =="
"$BIN" bench search --prepare --data "$DATA" --scifact "$SHARED/data/retrieval/scifact"
if [ "$anchors" = 1 ]; then
    "$PY" scripts/bench_anchors.py search --data "$DATA"
fi
"$BIN" bench search --data "$DATA" --scifact "$SHARED/data/retrieval/scifact"

echo
echo "== knowledge search over HTTP =="
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null 2>&1 || echo "bench: wrk not installed; search-http uses the in-process client"; }
"$BIN" bench search-http --data "$DATA" --scifact "$SHARED/data/retrieval/scifact"

echo
echo "== simulated calls through the Twilio webhooks =="
"$BIN" bench calls --calls 10,100 --think-ms 1000
"$BIN" bench calls --calls 100 --think-ms 0
"$BIN" bench analytics

echo
echo "== PostgreSQL scale-out: SQLite (anchor), PostgreSQL 1 node, 2 nodes =="
# A throwaway cluster (or FRONTDESK_TEST_POSTGRES_URL's server) for the run; the bench makes and drops its databases.
if [ -n "${FRONTDESK_TEST_POSTGRES_URL:-}" ] || compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null \
        || command -v pg_config >/dev/null; then
    bash scripts/with_postgres.sh bash -c \
        '"$0" bench calls --database-url "$FRONTDESK_TEST_POSTGRES_URL" --nodes 2 --calls 100,200 --think-ms 1000' "$BIN"
else
    echo "bench: no PostgreSQL server binaries (apt-get install postgresql); skipping the scale-out comparison"
fi

echo
echo "== outbound campaign: 10,000 recipients against a simulated Twilio on a virtual clock =="
"$BIN" bench campaign --recipients 10000
