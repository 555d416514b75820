"""The weekly digest of a community."""
