"""Linting: the engine that plans a run, checks notes, caches and baselines."""
