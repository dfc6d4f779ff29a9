"""tuimux's benchmarks: ``python3 -m benchmarks`` runs them all and prints ratios against
baselines measured in the same run (these machines are noisy; absolute numbers are not
comparable between runs, ratios are)."""
