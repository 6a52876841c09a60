"""The API's dossiers (filled in by its module's author)."""
