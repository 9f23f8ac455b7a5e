#!/usr/bin/env bash
# Run one shard per machine over ssh, copy each shard's run directory back, merge them here.
#   HOSTS="box1 box2 box3" REPO=/opt/llm-budget-bench ./examples/ci/ssh-shards.sh [extra npm run bench flags]
# Each host needs a checkout of the same commit at $REPO (with npm ci done) and the same bench.config.yaml.
# The exit code is the merged verdict: 0 every budget met, 1 a budget missed, a cell errored or a shard missing.
set -u -o pipefail
read -r -a hosts <<<"${HOSTS:?set HOSTS to the machines, e.g. HOSTS=\"box1 box2\"}"
repo="${REPO:?set REPO to the checkout path on the hosts}"
n=${#hosts[@]}
stamp=$(date -u +%Y%m%d-%H%M%S)
local_dir="shards-$stamp"
mkdir -p "$local_dir"

i=0
pids=()
for host in "${hosts[@]}"; do
  i=$((i + 1))
  run="shard-$i-$stamp"
  # A missed budget exits 1 on the host: that is a result, not a failure of this script.
  ( ssh "$host" "cd '$repo' && BENCH_RUN_ID='$run' npm run bench -- --shard $i/$n $*" ; \
    scp -rq "$host:$repo/results/$run" "$local_dir/" ) >"$local_dir/$host.log" 2>&1 &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid" || true; done

npm run report -- --merge "$local_dir" --out "$local_dir/merged"
code=$?
echo "merged report: $local_dir/merged/report.html (per-host logs in $local_dir/*.log)"
# The same hosts side by side: each shard's host is named in the merged report; to judge every cell on every
# host instead, run the whole matrix on each and compare: npm run report -- --fleet dirA,dirB,...
exit $code
