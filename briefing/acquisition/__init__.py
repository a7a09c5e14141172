"""Getting text in: feeds over HTTP, parsed entries, saved captures of articles, HTML to text."""
