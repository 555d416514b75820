"""Stats: how a community is doing."""
