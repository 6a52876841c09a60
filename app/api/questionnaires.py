"""The API's questionnaires (filled in by its module's author)."""
