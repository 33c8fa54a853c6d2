"""The test suite (a package, so test modules share conftest helpers)."""
