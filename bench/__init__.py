"""Benchmarks. Each prints ratios against a baseline measured in the same run: absolute
times on shared machines are noise. `make bench` runs them all."""
