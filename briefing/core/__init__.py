"""The vocabulary every stage speaks: configuration, the frozen models, errors, safe text, URLs."""
