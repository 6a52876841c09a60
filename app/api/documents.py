"""The API's documents (filled in by its module's author)."""
