"""The API's clients (filled in by its module's author)."""
