"""The API's requests (filled in by its module's author)."""
