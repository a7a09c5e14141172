"""Chaining the stages: the fetch pipeline, the seed article and the offline demo."""
