"""What an item is about: phrase matching, relevance to Libya, the actors it names, tagging."""
