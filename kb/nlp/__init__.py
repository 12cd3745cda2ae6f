"""Extraction helpers. ``lexicon``, ``matcher`` and ``roles`` are plain Python (usable without
spaCy); ``pipeline`` builds the spaCy pipeline and is imported only at build time."""
