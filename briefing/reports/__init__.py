"""What an analyst sends: briefs (summarize) and digests (export), built from the store's queries."""
