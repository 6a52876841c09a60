"""The API's messages (filled in by its module's author)."""
