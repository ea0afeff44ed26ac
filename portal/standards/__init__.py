"""The content standard: the 169 categories every site publishes under, as versioned data.

The data lives in the top-level content_standards/ folder (one folder per version); loader.py reads
and validates a folder, operations.py loads it into the tables of models.py. No pages yet.
"""
