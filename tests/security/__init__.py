"""Security tests: each point of the security issue tries its attack and asserts the outcome."""
