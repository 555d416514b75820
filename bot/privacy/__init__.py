"""Privacy: a member's own data, exported or forgotten."""
