"""One spider per wxrb.com site."""
