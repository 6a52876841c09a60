"""The API's approvals (filled in by its module's author)."""
