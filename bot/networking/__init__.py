"""Networking: one-to-one pairs of opted-in members."""
