"""The public, read-only web service: the SPARQL endpoint, linked-data pages and dumps."""
